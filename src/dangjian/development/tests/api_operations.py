"""The development API's operation ids, pinned: the API test fails when one appears or goes unannounced."""

OPERATIONS: set[str] = {
    "applicant_list",
    "applicant_get",
    "applicant_create",
    "applicant_step_record",
    "applicant_mentors_assign",
    "development_clock_list",
}
