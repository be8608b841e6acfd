"""The dues API's operation ids, pinned: the API test fails when one appears or goes unannounced."""

OPERATIONS: set[str] = {
    "dues_ledger_list",
    "dues_payment_record",
    "dues_my_lines",
    "dues_base_declare",
}
