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
