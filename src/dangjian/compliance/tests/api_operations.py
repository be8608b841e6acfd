"""The compliance API's operation ids, pinned: the API test fails when one appears or goes unannounced."""

OPERATIONS: set[str] = {
    "warning_branch_list",
    "warning_list",
    "warning_get",
    "warning_close",
    "warning_refresh",
    "life_matrix",
    "life_branch",
    "life_excuse_create",
    "life_settings_get",
    "life_settings_update",
}
