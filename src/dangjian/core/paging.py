"""Bounds on paging, shared by the API's `PageIn` and the pages' `web.paging`.

A number past these is refused (API) or brought back into range (pages) at the edge, so no
database ever sees an OFFSET that overflows its integers.
"""

MAX_PAGE_SIZE = 200
# No list holds a million rows; beyond that an offset is a mistake, not a page.
MAX_OFFSET = 1_000_000
