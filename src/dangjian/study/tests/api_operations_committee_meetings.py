"""The API operations of the committee meetings (党委会, 党政联席会议) and their decisions, for the list of every operation."""

OPERATIONS = {
    "committee_meeting_list",
    "committee_meeting_create",
    "committee_meeting_get",
    "committee_meeting_update",
    "committee_meeting_leader_add",
    "external_attendee_create",
    "external_attendee_delete",
    "agenda_item_create",
    "agenda_item_update",
    "agenda_item_delete",
    "decision_create",
    "decision_list",
    "decision_get",
    "decision_update",
    "decision_complete",
    "decision_reopen",
}
