"""The rights API's operation ids, pinned: the API test fails when one appears or goes unannounced."""

OPERATIONS: set[str] = {
    "right_list",
    "opinion_create",
    "opinion_list",
    "opinion_get",
    "opinion_answer",
    "opinion_follow_up",
    "appealable_decision_list",
    "appeal_create",
    "appeal_list",
    "appeal_get",
    "appeal_accept",
    "appeal_answer",
    "appeal_withdraw",
}
