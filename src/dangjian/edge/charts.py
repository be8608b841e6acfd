"""Charts: what a chart shows is described once, in Python, and drawn by ECharts in the browser.

A page builds a `Chart` from a selector's numbers; `{% chart %}` renders a figure holding the ECharts
option as JSON (``json_script``: no inline script under the CSP), the same numbers as a table (shown
when JavaScript is off, and read by screen readers) and a one-sentence summary.
``edge/static/edge/charts.js`` draws every chart on the page. ECharts itself is large, so a page
with a chart loads it with ``{% chart_assets %}`` in its ``head`` block; other pages never do.
"""

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["bar", "hbar", "line", "pie"]

# Tabler's palette, the primary red first: distinct in light and dark mode.
PALETTE = ["#b71c1c", "#206bc4", "#2fb344", "#f59f00", "#ae3ec9", "#0ca678", "#f76707", "#667382"]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | int | None]


@dataclass(frozen=True)
class Chart:
    """One chart: categories along one axis, one or more series of numbers over them."""

    key: str  # unique on the page: the element ids derive from it
    title: str
    kind: Kind
    categories: list[str]
    series: list[Series]
    summary: str = ""  # one sentence saying what the chart shows, for screen readers
    unit: str = ""  # appended to every number shown, e.g. "%"
    max_value: float | None = None  # the value axis' end (100 for a rate)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no categories, or no numbers (a pie of zeros has no slices either;
        a rate of 0% is a number)."""
        blank = (None, 0) if self.kind == "pie" else (None,)
        return not self.categories or all(v in blank for s in self.series for v in s.values)

    @property
    def rows(self) -> list[tuple[str, list[float | int | None]]]:
        """The table behind the chart: one row per category, one column per series."""
        return [(category, [s.values[i] for s in self.series]) for i, category in enumerate(self.categories)]

    def option(self) -> dict[str, Any]:
        """The ECharts option. The library's own accessibility text is off: the figure has ours."""
        label_formatter = "{c}" + self.unit
        base: dict[str, Any] = {"color": PALETTE, "aria": {"enabled": False}, "animation": False}
        if self.kind == "pie":
            data = [{"name": c, "value": v} for c, v in zip(self.categories, self.series[0].values, strict=True) if v]
            base["series"] = [
                {
                    "type": "pie",
                    "name": self.series[0].name,
                    "radius": ["35%", "65%"],
                    "data": data,
                    "label": {"formatter": "{b}\n{c}" + self.unit},
                }
            ]
            return base | self.extra
        value_axis: dict[str, Any] = {"type": "value", "axisLabel": {"formatter": "{value}" + self.unit}}
        if self.max_value is not None:
            value_axis["max"] = self.max_value
        category_axis: dict[str, Any] = {"type": "category", "data": self.categories, "axisLabel": {"interval": 0}}
        horizontal = self.kind == "hbar"
        if horizontal:
            category_axis["inverse"] = True  # the first category on top, as in the table
        base["grid"] = {"left": 8, "right": 24, "top": 24, "bottom": 8}
        base["xAxis"] = value_axis if horizontal else category_axis
        base["yAxis"] = category_axis if horizontal else value_axis
        base["series"] = [
            {
                "type": "line" if self.kind == "line" else "bar",
                "name": s.name,
                "data": s.values,
                "label": {"show": True, "position": "right" if horizontal else "top", "formatter": label_formatter},
                "barMaxWidth": 32,
            }
            for s in self.series
        ]
        return base | self.extra
