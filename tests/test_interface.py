"""The interface's shared pieces hold together: every icon asked for is in the sprite, the sprite
holds just the listed icons, and the vendored design system is the one the docs name."""

import ast
import re
from pathlib import Path

from django.template import Context, Template

from dangjian.edge.icons import ICONS
from dangjian.web.context_processors import NavItem

SRC = Path(__file__).resolve().parent.parent / "src/dangjian"
SPRITE = SRC / "edge/static/edge/icons.svg"


def sprite_ids() -> set[str]:
    return set(re.findall(r'<symbol id="([^"]+)"', SPRITE.read_text()))


def test_the_sprite_holds_exactly_the_listed_icons():
    assert sprite_ids() == set(ICONS)


def test_every_icon_a_template_or_the_navigation_asks_for_is_in_the_sprite():
    asked = set()
    for template in SRC.rglob("templates/**/*.html"):
        asked |= set(re.findall(r'\{% icon "([a-z0-9-]+)"', template.read_text()))
        asked |= set(re.findall(r'icon_name="([a-z0-9-]+)"', template.read_text()))
    navigation = ast.parse((SRC / "web/context_processors.py").read_text())
    for call in ast.walk(navigation):
        is_nav_item = isinstance(call, ast.Call) and getattr(call.func, "id", "") == "NavItem"
        if is_nav_item and len(call.args) > 4:  # key, url, label, short label, icon
            asked.add(call.args[4].value)
    assert {"home", "users", "bell"} <= asked, "icons not found: the patterns above no longer match the templates"
    assert asked <= set(ICONS), f"not in the sprite: {sorted(asked - set(ICONS))}"


def test_nav_items_name_their_icon():
    assert "icon" in NavItem.__dataclass_fields__


def test_the_icon_tag_is_decorative_unless_labelled():
    plain = Template('{% icon "home" %}').render(Context())
    assert 'aria-hidden="true"' in plain
    assert "icons.svg#home" in plain
    labelled = Template('{% icon "bell" "消息" %}').render(Context())
    assert 'role="img"' in labelled
    assert 'aria-label="消息"' in labelled


def test_components_render():
    html = Template(
        '{% tile "党员" 60 url="/members/" icon_name="users" %}{% badge "已逾期" "problem" %}{% empty "没有结果" "换个词试试" %}'
    ).render(Context())
    assert 'href="/members/"' in html
    assert ">60<" in html
    assert 'class="badge text-nowrap bg-red-lt"' in html  # a status never breaks mid-word ("已发/布")
    assert "没有结果" in html
    assert "换个词试试" in html


def test_steps_mark_the_done_the_current_and_the_rest():
    html = Template('{% steps items "check" label="导入" %}').render(
        Context({"items": [("upload", "上传"), ("check", "检查"), ("import", "导入")]})
    )
    assert html.count("step-item") == 3
    assert 'class="step-item active" aria-current="step">检查' in html
    ended = Template('{% steps items "closed" %}').render(Context({"items": [("a", "甲"), ("b", "乙")]}))
    assert "active" not in ended  # a value past the steps: all done, none current


def test_every_button_wears_a_button_class():
    """A <button> without Tabler's btn (or btn-close, or nav-link in the sidebar) class renders as the browser's grey box."""
    bare = []
    for template in SRC.rglob("templates/**/*.html"):
        for tag in re.findall(r"<button\b[^>]*>", template.read_text()):
            if " hidden" in tag:
                continue
            classes = re.search(r'class="([^"]*)"', tag)
            if not classes or not {"btn", "btn-close", "nav-link"} & set(classes.group(1).split()):
                bare.append(f"{template.relative_to(SRC)}: {tag}")
    assert not bare, "\n".join(bare)
