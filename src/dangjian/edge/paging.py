"""Paging on the pages and the API, with the same bounds for both.

A page number that is not a number, or is below 1, means page 1; one past the end means the last
page. Nothing a visitor types into `?page=` reaches the database as an offset it cannot hold.
"""

from django.core.paginator import Page, Paginator

# A number past these is refused (API) or brought back into range (pages) at the edge, so no
# database ever sees an OFFSET that overflows its integers.
MAX_PAGE_SIZE = 200
# No list holds a million rows; beyond that an offset is a mistake, not a page.
MAX_OFFSET = 1_000_000

PER_PAGE = 50


def paginate(request, queryset, per_page: int = PER_PAGE) -> Page:
    """The requested page of `queryset` (the first for a bad number, the last if it is too large)."""
    return Paginator(queryset, per_page).get_page(page_number(request.GET.get("page"), per_page=per_page))


def page_number(raw: str | None, *, per_page: int) -> int:
    """The page asked for in `?page=`, at least 1 and at most the page that starts at MAX_OFFSET."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_OFFSET // per_page + 1)


def last_page(total: int, *, per_page: int) -> int:
    """The number of the last page of `total` items (1 when there are none)."""
    return max(1, -(-total // per_page))
