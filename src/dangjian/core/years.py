"""The range of calendar years the platform takes as input, everywhere a year is asked for.

Records start in 2000 at the earliest (the demo and any migrated ledgers are younger) and no plan
looks beyond 2100; a year outside is a typing mistake, and `datetime.date` could not even hold
some of them.
"""

YEAR_MIN = 2000
YEAR_MAX = 2100


def year_in_range(year: int) -> bool:
    return YEAR_MIN <= year <= YEAR_MAX
