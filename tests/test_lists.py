"""Every list that grows with time is shown a page at a time, and no `?page=` breaks it.

The lists are the ones found by auditing the list pages; a list bounded by its nature (one
branch's members in a campaign, the open review queue, the current warnings) is not among them.
"""

import pytest
from django.urls import reverse

from dangjian.edge.paging import MAX_OFFSET, PER_PAGE

# (URL name, role that sees it, the context name of its page)
PAGED_LISTS = [
    ("members:member-list", "committee", "page_obj"),
    ("study:ledger", "committee", "page_obj"),
    ("study:activity-list", "committee", "page_obj"),
    ("study:selfstudy-list", "member", "page_obj"),
    ("study:reflection-list", "committee", "page_obj"),
    ("study:readinglist-list", "committee", "managed"),
    ("study:semester-list", "committee", "page_obj"),
    ("study:directive-list", "committee", "page_obj"),
    ("study:plan-list", "committee", "page_obj"),
    ("care:talk-list", "committee", "page_obj"),
    ("care:todo-list", "committee", "page_obj"),
    ("care:need-list", "committee", "page_obj"),
    ("evaluation:campaign-list", "committee", "page_obj"),
    ("evaluation:recognition-list", "committee", "page_obj"),
    ("rights:opinion-list", "committee", "page_obj"),
    ("rights:appeal-list", "committee", "page_obj"),
    ("notices:list", "member", "page_obj"),
    ("accounts:audit-list", "admin", "page_obj"),
    ("accounts:role-list", "admin", "page_obj"),
    ("dues:ledger", "committee", "page_obj"),
]


@pytest.mark.parametrize(("name", "role", "key"), PAGED_LISTS, ids=[row[0] for row in PAGED_LISTS])
def test_a_growing_list_is_paged_and_survives_any_page_number(client, college, name, role, key):
    client.force_login(college.user(role))
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    page = response.context[key]
    assert page.number == 1
    assert page.paginator.per_page <= PER_PAGE
    for bad in ("abc", "-3", "0", "1.5", str(MAX_OFFSET * 10), "9" * 40):
        response = client.get(url, {"page": bad})
        assert response.status_code == 200, bad
        assert 1 <= response.context[key].number <= response.context[key].paginator.num_pages


def test_every_table_sits_in_its_own_scrolling_box():
    """On a phone a wide table scrolls inside `.table-responsive` (first column fixed), never the page."""
    import re
    from pathlib import Path

    import dangjian

    root = Path(dangjian.__file__).parent
    bare = []
    for template in root.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        tables = len(re.findall(r"<table\b", text))
        boxes = len(re.findall(r'class="[^"]*\btable-responsive\b', text))
        if tables > boxes:
            bare.append(str(template.relative_to(root)))
    assert bare == []


def test_the_pager_shows_bounded_page_numbers():
    """A long list offers the first, the last and the pages around the current one, not 44 links."""
    from django.core.paginator import Paginator
    from django.template import RequestContext, Template
    from django.test import RequestFactory

    from dangjian.edge.templatetags.ui import page_numbers

    page = Paginator(range(44 * PER_PAGE), PER_PAGE).page(20)
    assert page_numbers(page) == [1, None, 19, 20, 21, None, 44]
    request = RequestFactory().get("/study/ledger/", {"year": "2025", "page": "20"})
    html = Template('{% include "edge/_pagination.html" %}').render(RequestContext(request, {"page_obj": page}))
    assert html.count('class="page-link"') == 2 + 7  # previous and next, five numbers and two gaps
    assert '?year=2025&amp;page=21"' in html
    assert 'aria-current="page">20<' in html
    assert "hx-get" not in html  # no target: a plain link loads the page
