"""The meeting-record operations of the study API, for the check that OpenAPI lists every operation once."""

OPERATIONS = {
    "meeting_record_get",
    "meeting_minutes_save",
    "vote_record_create",
    "vote_record_delete",
    "life_meeting_save",
    "rectification_create",
    "rectification_done",
    "rectification_list",
}
