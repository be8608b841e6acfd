"""Meetings at committee level: the 党委会 and the college's 党政联席会议, their agenda items (议题) and the
decisions (决定事项) they hand to one side or the other. Pure rules: no ORM.

Sources: 《中国共产党普通高等学校基层组织工作条例》 (2021) on 院(系)级党组织: the unit's important matters are
discussed and decided through the 党政联席会议; 党的建设 (干部, 党员队伍) is decided by the 党组织会议 (党委会);
matters of 办学方向, 教师队伍建设 and 师生员工切身利益 are first studied by the 党组织 and then decided by
the 党政联席会议 (documents.md §6, [S]). The model 议事规则 (中组部、教育部党组《普通高等学校院(系)党委会会议和
党政联席会议议事规则示范文本》) was not available; quorum and voting differ between units [L], so they are not
encoded here. Forms are referred to by their stored values (see `study.models.Form`).
"""

import datetime

PARTY_COMMITTEE_MEETING = "party_committee_meeting"  # 党委会 (党组织会议)
JOINT_MEETING = "joint_meeting"  # 党政联席会议

# Meetings of the college's leadership, not of its members: held by a committee only, attended by its
# leaders (not by everyone in its subtree), and neither study-hour credit nor make-up study follows.
LEADERSHIP_FORMS = frozenset({PARTY_COMMITTEE_MEETING, JOINT_MEETING})

ARTICLES = {
    PARTY_COMMITTEE_MEETING: "《普通高等学校基层组织工作条例》（2021）院（系）级党组织：党的建设重要事项由党组织会议研究决定",
    JOINT_MEETING: "《普通高等学校基层组织工作条例》（2021）院（系）级党组织：重要事项通过党政联席会议讨论决定",
}

# Which organisation kinds hold which leadership form (values of `orgs.models.OrgKind`). A general
# branch (党总支) of a college also meets with the college's administration where there is no committee,
# but this platform's colleges have committees: the joint meeting is the committee's [L].
COMMITTEE = "committee"
FORMS_BY_ORG_KIND = {
    PARTY_COMMITTEE_MEETING: frozenset({COMMITTEE}),
    JOINT_MEETING: frozenset({COMMITTEE}),
}


def form_fits_org_kind(form: str, org_kind: str) -> bool:
    """Whether an organisation of this kind may hold an activity of this form (the leadership meetings are a
    committee's; every other form is open to every kind, as before)."""
    kinds = FORMS_BY_ORG_KIND.get(form)
    return kinds is None or org_kind in kinds


def is_leadership_meeting(form: str) -> bool:
    return form in LEADERSHIP_FORMS


# --- Sides: who proposes an item, who carries out a decision ------------------------------------

PARTY = "party"  # 党委
ADMINISTRATION = "administration"  # 行政
SIDES = (PARTY, ADMINISTRATION)


# --- Outcome of an agenda item ----------------------------------------------------------------

APPROVED = "approved"  # 通过
AMENDED = "amended"  # 原则通过（修改后执行）
DEFERRED = "deferred"  # 暂缓，再议
REJECTED = "rejected"  # 不通过
NOTED = "noted"  # 听取汇报/通报，不作决定
PENDING = ""  # not decided yet (before or during the meeting)

OUTCOMES = (APPROVED, AMENDED, DEFERRED, REJECTED, NOTED)
# An outcome that can give rise to a tracked decision (决定事项): an item that was approved.
OUTCOMES_WITH_DECISIONS = frozenset({APPROVED, AMENDED})


def decision_allowed_for(outcome: str) -> bool:
    """A decision to carry out follows from an approved item only (or from none: a decision of the meeting
    as a whole)."""
    return outcome in OUTCOMES_WITH_DECISIONS


# --- Decisions tracked to done ------------------------------------------------------------------

OPEN = "open"
DONE = "done"
OVERDUE = "overdue"  # not stored: an open decision past its due date


def decision_overdue(status: str, due_on: datetime.date | None, today: datetime.date) -> bool:
    """Overdue once the due day has passed and it is still open (the due day itself is not late)."""
    return status == OPEN and due_on is not None and today > due_on


def decision_state(status: str, due_on: datetime.date | None, today: datetime.date) -> str:
    """open, overdue or done: what the tracker's filter and badge show."""
    if status == DONE:
        return DONE
    return OVERDUE if decision_overdue(status, due_on, today) else OPEN


def done_on_problem(done_on: datetime.date, meeting_day: datetime.date, today: datetime.date) -> str | None:
    """A decision is carried out after the meeting that took it and not in the future:
    "before_meeting", "future", or None."""
    if done_on < meeting_day:
        return "before_meeting"
    if done_on > today:
        return "future"
    return None


def due_on_problem(due_on: datetime.date | None, meeting_day: datetime.date) -> str | None:
    """A due date, when given, is not before the meeting: "before_meeting" or None."""
    if due_on is not None and due_on < meeting_day:
        return "before_meeting"
    return None
