"""The compliance API's operation ids, pinned: the API test fails when one appears or goes unannounced."""

OPERATIONS: set[str] = set()
