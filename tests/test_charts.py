"""The chart component: `{% chart %}` renders the ECharts option as JSON (no inline script), the same
numbers as a table, and a summary; `{% chart_assets %}` is the only way ECharts reaches a page."""

import json
import re
from pathlib import Path

from django.template import Context, Template

from dangjian.edge.charts import Chart, Series

VENDOR = Path(__file__).resolve().parent.parent / "src/dangjian/edge/static/vendor/echarts"
TEMPLATES = Path(__file__).resolve().parent.parent / "src/dangjian"


def render(spec: Chart) -> str:
    return Template("{% chart spec %}").render(Context({"spec": spec}))


def rate_chart() -> Chart:
    return Chart(
        key="attendance",
        title="各月出勤率",
        kind="bar",
        categories=["2026年9月", "2026年10月"],
        series=[Series("出勤率", [90, None])],
        summary="各月出勤率在 90% 至 90% 之间。",
        unit="%",
        max_value=100,
    )


def test_the_chart_tag_renders_option_table_and_summary():
    html = render(rate_chart())
    assert 'id="chart-attendance"' in html
    assert 'data-chart="chart-attendance-option"' in html
    assert 'role="img"' in html
    assert 'aria-label="各月出勤率在 90% 至 90% 之间。"' in html
    found = re.search(r'<script id="chart-attendance-option" type="application/json">(.*?)</script>', html, re.S)
    option = json.loads(found.group(1))
    assert option["series"][0]["data"] == [90, None]
    assert option["xAxis"]["data"] == ["2026年9月", "2026年10月"]
    assert option["yAxis"]["max"] == 100
    assert option["aria"] == {"enabled": False}  # the figure carries our own summary
    # The table holds the same numbers, open until the script has drawn the chart.
    assert '<details class="chart-table" open>' in html
    assert '<th scope="row">2026年9月</th><td class="text-end">90%</td>' in html
    assert '<td class="text-end">—</td>' in html
    assert " style=" not in html
    assert "<script>" not in html


def test_a_horizontal_chart_puts_categories_on_the_vertical_axis():
    spec = Chart("hours", "学时", "hbar", ["甲支部", "乙支部"], [Series("平均进度", [40, 75])], unit="%")
    option = spec.option()
    assert option["yAxis"]["type"] == "category"
    assert option["yAxis"]["inverse"] is True
    assert option["xAxis"]["type"] == "value"
    assert option["series"][0]["label"]["position"] == "right"


def test_a_pie_leaves_out_zero_slices():
    spec = Chart("forms", "形式", "pie", ["党课", "主题党日"], [Series("活动", [3, 0])])
    assert spec.option()["series"][0]["data"] == [{"name": "党课", "value": 3}]


def test_an_empty_chart_shows_the_empty_state_and_no_option():
    spec = Chart("forms", "活动形式分布", "pie", [], [Series("活动", [])])
    html = render(spec)
    assert spec.is_empty
    assert "data-chart" not in html
    assert "application/json" not in html
    assert 'class="empty"' in html


def test_chart_assets_load_the_vendored_echarts_deferred():
    html = Template("{% chart_assets %}").render(Context())
    assert '<script src="/static/vendor/echarts/echarts.simple.min.js" defer></script>' in html
    assert '<script src="/static/edge/charts.js" defer></script>' in html
    assert (VENDOR / "echarts.simple.min.js").stat().st_size < 600_000
    for name in ("LICENSE", "NOTICE"):
        assert (VENDOR / name).exists()


def test_only_the_officers_pages_load_echarts():
    users = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if "chart_assets" in p.read_text())
    assert users == [
        "web/templates/web/dashboard.html",  # officers only: a member gets dashboard_member.html
        "web/templates/web/dashboard_screen.html",
        "web/templates/web/home_branch.html",
        "web/templates/web/home_committee.html",
    ]


def test_a_rate_of_nought_is_drawn_but_a_pie_of_noughts_is_empty():
    assert not Chart("a", "出勤率", "bar", ["9月"], [Series("出勤率", [0])]).is_empty
    assert Chart("a", "出勤率", "bar", ["9月"], [Series("出勤率", [None])]).is_empty
    assert Chart("f", "形式", "pie", ["党课"], [Series("活动", [0])]).is_empty
