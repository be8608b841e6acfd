"""The interface's components, one inclusion tag each, so a tile, a badge or an icon is written once.

Every template has them (``TEMPLATES`` ``builtins``); each renders a template under
``edge/templates/edge/components/``. docs/interface.md shows them in use.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from dangjian.edge.charts import Chart

register = template.Library()

TONES = {"ok": "bg-green-lt", "warning": "bg-yellow-lt", "problem": "bg-red-lt", "info": "bg-azure-lt", "": ""}


@register.simple_tag
def icon(name: str, label: str = "", css: str = ""):
    """An icon from the sprite; decorative unless given a label for screen readers."""
    href = f"{static('edge/icons.svg')}#{name}"
    if label:
        return format_html(
            '<svg class="icon {}" role="img" aria-label="{}"><use href="{}"></use></svg>', css, label, href
        )
    return format_html(
        '<svg class="icon {}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', css, href
    )


@register.inclusion_tag("edge/components/tile.html")
def tile(label, value, *, hint="", url="", tone="", icon_name="", id=""):
    """A number with its label (a stat tile), optionally linking to the list behind it."""
    return {"label": label, "value": value, "hint": hint, "url": url, "tone": tone, "icon_name": icon_name, "id": id}


@register.inclusion_tag("edge/components/badge.html")
def badge(text, tone=""):
    """A short status word that never wraps; tone is ok, warning, problem or info."""
    return {"text": text, "css": TONES.get(tone, "")}


@register.inclusion_tag("edge/components/empty.html")
def empty(title, text="", *, url="", action="", icon_name="inbox"):
    """What a list shows when it has nothing, and what to do about it."""
    return {"title": title, "text": text, "url": url, "action": action, "icon_name": icon_name}


@register.inclusion_tag("edge/components/steps.html")
def steps(items, current, *, label=""):
    """Where a process stands: items are (value, label) pairs in order, `current` the value reached.

    Steps before the current one show as done; a current value not among the items (a process
    that has ended, say) shows every step as done."""
    items = [(value, text) for value, text, *_ in items]
    values = [value for value, _ in items]
    reached = values.index(current) if current in values else len(values)
    return {
        "label": label,
        "items": [
            {"text": text, "state": "done" if i < reached else "current" if i == reached else "todo"}
            for i, (_, text) in enumerate(items)
        ],
    }


@register.inclusion_tag("edge/components/chart.html")
def chart(spec: Chart):
    """A chart drawn by ECharts, with its numbers as a table and a summary (see dangjian.edge.charts)."""
    return {"chart": spec, "option": spec.option(), "option_id": f"chart-{spec.key}-option"}


@register.simple_tag
def chart_assets():
    """The scripts a page with charts needs, for its ``head`` block: ECharts and the code that draws."""
    return format_html(
        '<script src="{}" defer></script><script src="{}" defer></script>',
        static("vendor/echarts/echarts.simple.min.js"),
        static("edge/charts.js"),
    )


@register.filter
def page_numbers(page) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and those around `page`; None for a gap."""
    paginator = page.paginator
    return [
        n if isinstance(n, int) else None
        for n in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
