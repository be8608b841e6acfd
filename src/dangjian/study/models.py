"""The regular study system: semesters, directives, study plans, activities, attendance,
leave and make-up, self-study. Study hours are stored as minutes; 学时 are derived by a rule."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.models import TimeStampedModel
from dangjian.members.audience import Audience


class Semester(TimeStampedModel):
    """A semester of one committee (e.g. 2026—2027学年第一学期); semesters of a committee do not overlap."""

    committee = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="semesters"
    )
    name = models.CharField(_("name"), max_length=64)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    teaching_starts_on = models.DateField(_("teaching starts on"), null=True, blank=True)
    exams_start_on = models.DateField(_("exams start on"), null=True, blank=True)

    class Meta:
        verbose_name = _("semester")
        verbose_name_plural = _("semesters")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="study_semester_ends_after_start"),
            models.UniqueConstraint(fields=["committee", "name"], name="study_semester_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Form(models.TextChoices):
    """Forms of collective study and of organisational life (支部条例 Art.11–18)."""

    THEME_DAY = "theme_day", _("Theme Party day (主题党日)")
    LECTURE = "lecture", _("Party lecture (党课)")
    REPORT = "report", _("Report meeting (专题报告会)")
    VISIT = "visit", _("Field visit (参观考察)")
    FILM = "film", _("Film viewing (专题片)")
    GROUP_STUDY = "group_study", _("Collective study (集中学习)")
    GENERAL_MEETING = "general_meeting", _("General meeting (支部党员大会)")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting (支委会)")
    GROUP_MEETING = "group_meeting", _("Group meeting (党小组会)")
    LIFE_MEETING = "life_meeting", _("Organisational life meeting (组织生活会)")
    # Meetings of a committee's leadership (rules.committee_meetings): a committee's only.
    PARTY_COMMITTEE_MEETING = "party_committee_meeting", _("Party committee meeting (党委会)")
    JOINT_MEETING = "joint_meeting", _("Joint Party–administration meeting (党政联席会议)")


class Directive(TimeStampedModel):
    """What the university requires this semester (上级部署)."""

    committee = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="directives"
    )
    semester = models.ForeignKey(
        Semester, verbose_name=_("semester"), on_delete=models.PROTECT, related_name="directives"
    )
    title = models.CharField(_("title"), max_length=200)
    issued_by = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    body = models.TextField(_("content"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="directives/%Y/", blank=True)

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class DirectiveItem(models.Model):
    """One required item of a directive: a theme or activity with a deadline and an audience."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="items"
    )
    title = models.CharField(_("title"), max_length=200)
    form = models.CharField(_("form"), max_length=32, choices=Form.choices, blank=True)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("directive item")
        verbose_name_plural = _("directive items")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class StudyPlan(TimeStampedModel):
    """An organisation's study-and-education plan (学习教育计划) for one semester."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="study_plans"
    )
    semester = models.ForeignKey(Semester, verbose_name=_("semester"), on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        ordering = ["-semester__starts_on", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "semester"], name="study_plan_one_per_org_semester")]

    def __str__(self) -> str:
        return self.title


class Organiser(models.TextChoices):
    SELF = "self", _("This organisation")
    EVERY_BRANCH = "every_branch", _("Every branch")


class PlanItem(TimeStampedModel):
    """One line of a plan. A committee's "every branch" item becomes a required item of each branch's plan."""

    plan = models.ForeignKey(StudyPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    month = models.DateField(_("month"), help_text=_("The first day of the month the item falls in."))
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    theme = models.CharField(_("theme"), max_length=200)
    form = models.CharField(_("form"), max_length=32, choices=Form.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    organiser = models.CharField(_("organiser"), max_length=16, choices=Organiser.choices, default=Organiser.SELF)
    regular = models.BooleanField(
        _("regular"), default=False, help_text=_("Held every month on the branch's fixed day.")
    )
    planned_minutes = models.PositiveIntegerField(_("planned length in minutes"), default=0)
    directive_item = models.ForeignKey(
        DirectiveItem,
        verbose_name=_("directive item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
    )
    # Set on a branch's copy of a committee item; such an item is required and cannot be removed.
    source = models.ForeignKey(
        "self", verbose_name=_("required by"), null=True, blank=True, on_delete=models.CASCADE, related_name="copies"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["month", "planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "source"], condition=Q(source__isnull=False), name="study_planitem_one_copy_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.theme

    @property
    def required(self) -> bool:
        return self.source_id is not None


class StudySettings(TimeStampedModel):
    """An organisation's study settings. A blank field inherits from the organisation above, and
    from the defaults in `rules.schedule` at the top: a committee sets the college's grace period
    and make-up time once; a branch sets its fixed theme day."""

    org = models.OneToOneField(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="study_settings"
    )
    theme_day_week = models.SmallIntegerField(
        _("week of the month"),
        null=True,
        blank=True,
        choices=[(1, _("First")), (2, _("Second")), (3, _("Third")), (4, _("Fourth")), (-1, _("Last"))],
    )
    theme_day_weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        null=True,
        blank=True,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    theme_day_of_month = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    start_time = models.TimeField(_("usual start time"), null=True, blank=True)
    length_minutes = models.PositiveSmallIntegerField(_("usual length in minutes"), null=True, blank=True)
    place = models.CharField(_("usual place"), max_length=200, blank=True)
    late_grace_minutes = models.PositiveSmallIntegerField(_("late after (minutes)"), null=True, blank=True)
    make_up_working_days = models.PositiveSmallIntegerField(
        _("make-up due within (working days)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("study settings")
        verbose_name_plural = _("study settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(theme_day_of_month__isnull=True) | Q(theme_day_weekday__isnull=True),
                name="study_settings_one_kind_of_fixed_day",
            ),
            models.CheckConstraint(
                condition=Q(theme_day_week__isnull=True, theme_day_weekday__isnull=True)
                | Q(theme_day_week__isnull=False, theme_day_weekday__isnull=False),
                name="study_settings_week_with_weekday",
            ),
            models.CheckConstraint(
                condition=Q(theme_day_of_month__isnull=True) | Q(theme_day_of_month__gte=1, theme_day_of_month__lte=28),
                name="study_settings_day_of_month_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.org)


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(TimeStampedModel):
    """One collective study activity or meeting, from announcement to record."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="activities"
    )
    joint_orgs = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("joint organisers"), blank=True, related_name="joint_activities"
    )
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("plan item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    form = models.CharField(_("form"), max_length=32, choices=Form.choices)
    theme = models.CharField(_("theme"), max_length=200)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    speaker = models.ForeignKey(
        "members.Member",
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lectures",
    )
    speaker_name = models.CharField(_("speaker (not a member here)"), max_length=64, blank=True)
    # What to study for it (and for a make-up afterwards), from the library.
    materials = models.ManyToManyField(
        "library.Material", verbose_name=_("materials"), blank=True, related_name="activities"
    )
    # Study-hour credit in minutes: derived from the duration by the 学时 rule unless overridden.
    credit_minutes = models.PositiveIntegerField(_("credited minutes"), default=0)
    credit_overridden = models.BooleanField(_("credit set by hand"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Check-in window; a member arriving after `late_after` is recorded as late.
    check_in_opens_at = models.DateTimeField(_("check-in opens at"), null=True, blank=True)
    check_in_closes_at = models.DateTimeField(_("check-in closes at"), null=True, blank=True)
    late_after = models.DateTimeField(_("late after"), null=True, blank=True)
    # The record, written afterwards.
    minutes = models.TextField(pgettext_lazy("meeting record", "minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # A meeting held before the platform was used (or recorded on paper) and imported afterwards with
    # its date, form and content. It has no attendance rows: the numbers expected (应到) and present
    # (实到) are kept as counts, and nobody is credited study hours for it.
    recorded_afterwards = models.BooleanField(_("recorded afterwards"), default=False)
    expected_count = models.PositiveIntegerField(_("expected to attend (应到)"), null=True, blank=True)
    present_count = models.PositiveIntegerField(_("attended (实到)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="study_activity_ends_after_start"),
            models.CheckConstraint(
                condition=Q(present_count__isnull=True)
                | Q(expected_count__isnull=False, present_count__lte=F("expected_count")),
                name="study_activity_present_within_expected",
            ),
        ]
        indexes = [models.Index(fields=["org", "starts_at"], name="study_activity_org_start_idx")]

    def __str__(self) -> str:
        return self.theme


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="activities/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")
    MADE_UP = "made_up", _("Made up")


class Attendance(TimeStampedModel):
    """One expected attendee of one activity and what became of it. Unique per member and activity.

    Rows are created for the expected attendees when the activity is published (members exempt
    on that date are left out); a member outside the audience who checks in gets a row too.
    """

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="attendances"
    )
    expected = models.BooleanField(_("expected"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AttendanceStatus.choices, default=AttendanceStatus.EXPECTED
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=16, blank=True)  # "qr" or "manual"
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    device = models.CharField(_("device"), max_length=255, blank=True)
    marked_by = models.ForeignKey(
        "accounts.User", verbose_name=_("marked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="study_attendance_once_per_member")]
        indexes = [models.Index(fields=["member", "status"], name="study_attendance_member_idx")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.member} · {self.get_status_display()}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class LeaveRequest(TimeStampedModel):
    """A member asks, before the activity starts, to be excused (请假)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="leave_requests"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="leave_requests"
    )
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="study_leave_once_per_member")]

    def __str__(self) -> str:
        return f"{self.member} · {self.activity}"


class MakeUpStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for revision")


class MakeUp(TimeStampedModel):
    """Make-up study (补学) for an approved leave or an absence: study the materials, write a reflection."""

    attendance = models.OneToOneField(
        Attendance, verbose_name=_("attendance"), on_delete=models.CASCADE, related_name="make_up"
    )
    due_on = models.DateField(_("due on"))
    reflection = models.TextField(_("reflection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MakeUpStatus.choices, default=MakeUpStatus.ASSIGNED)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    # Set when the reflection is nearly the same as another one handed in for the same activity;
    # shown to the reviewing officer only.
    similar_to = models.ForeignKey(
        "self", verbose_name=_("similar to"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("make-up")
        verbose_name_plural = _("make-ups")

    def __str__(self) -> str:
        return str(self.attendance)


class SelfStudy(TimeStampedModel):
    """A member's own study (自学): what, when, how long, and an optional reflection (心得体会)."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="self_studies"
    )
    studied_on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    title = models.CharField(_("what was studied"), max_length=200)
    reading_item = models.ForeignKey(
        "ReadingItem",
        verbose_name=_("reading-list item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="self_studies",
    )
    material = models.ForeignKey(
        "library.Material",
        verbose_name=_("material"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="self_studies",
    )
    reflection = models.TextField(_("reflection"), blank=True)
    # Set when an officer's check finds the reflection nearly the same as another one; shown to officers only.
    similar_to = models.ForeignKey(
        "self", verbose_name=_("similar to"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("self-study")
        verbose_name_plural = _("self-study")
        ordering = ["-studied_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0), name="study_selfstudy_positive_minutes")]
        indexes = [models.Index(fields=["member", "studied_on"], name="study_selfstudy_member_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.title}"


class ReadingList(TimeStampedModel):
    """Materials an organisation assigns to an audience, with guidance and a due date."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="reading_lists"
    )
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    due_on = models.DateField(_("due on"), null=True, blank=True)

    class Meta:
        verbose_name = _("reading list")
        verbose_name_plural = _("reading lists")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ReadingItem(models.Model):
    reading_list = models.ForeignKey(
        ReadingList, verbose_name=_("reading list"), on_delete=models.CASCADE, related_name="items"
    )
    title = models.CharField(_("title"), max_length=200)
    link = models.URLField(_("link"), blank=True)
    material = models.ForeignKey(
        "library.Material",
        verbose_name=_("material"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reading_items",
    )
    required = models.BooleanField(_("required (必学)"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("reading-list item")
        verbose_name_plural = _("reading-list items")
        ordering = ["reading_list", "position", "pk"]

    def __str__(self) -> str:
        return self.title


# --- Meeting records: minutes, votes, the organisational life meeting's stages, 整改 ----------------


class MeetingMinutes(TimeStampedModel):
    """The structured part of a held meeting's record (会议记录): host, recorder, agenda, guests.

    Attendance is never typed here: the record shows the attendance rows of the activity. The
    decisions stay in `Activity.decisions`, the minutes' prose in `Activity.minutes`."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="meeting_minutes"
    )
    host = models.ForeignKey(
        "members.Member", verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    host_name = models.CharField(_("host (not a member here)"), max_length=64, blank=True)
    recorder = models.ForeignKey(
        "members.Member",
        verbose_name=_("recorder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorder_name = models.CharField(_("recorder (not a member here)"), max_length=64, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item per line."))
    guests = models.CharField(_("attending without a vote (列席)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("meeting minutes")
        verbose_name_plural = _("meeting minutes")

    def __str__(self) -> str:
        return str(self.activity)

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class MeetingSpeech(models.Model):
    """One contribution to the discussion (发言): who spoke, in order, and the gist."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="speeches"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    speaker = models.ForeignKey(
        "members.Member",
        verbose_name=_("who spoke"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    speaker_name = models.CharField(_("who spoke (not a member here)"), max_length=64, blank=True)
    gist = models.TextField(_("gist"))

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["activity", "position", "pk"]

    def __str__(self) -> str:
        return self.speaker.name if self.speaker else self.speaker_name


class VoteMatter(models.TextChoices):
    """What a general meeting votes on (`core.rules.votes.Matter`)."""

    ADMIT = "admit", _("Admitting a probationary member (接收预备党员)")
    CONFIRM = "confirm", _("Confirming a probationary member as a full member (转正)")
    OTHER = "other", _("Another matter (决议、表彰、处置……)")


class VoteRecord(TimeStampedModel):
    """A general meeting's vote on one item (表决记录). Whether it passed is computed by the platform's one
    vote rule (`core.rules.votes.tally`) when shown, never stored."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="vote_records"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    item = models.CharField(_("item voted on"), max_length=300)
    matter = models.CharField(_("matter"), max_length=16, choices=VoteMatter.choices, default=VoteMatter.OTHER)
    entitled = models.PositiveIntegerField(_("members with the vote who ought to attend (应到)"))
    present = models.PositiveIntegerField(_("members with the vote present (实到)"))
    # What the roster and the attendance said when the vote was recorded; a different count needs a reason.
    entitled_default = models.PositiveIntegerField(_("应到 from the roster"))
    present_default = models.PositiveIntegerField(_("实到 from the attendance"))
    adjust_reason = models.CharField(_("reason for changing 应到 or 实到"), max_length=300, blank=True)
    yes = models.PositiveIntegerField(_("in favour"), default=0)
    no = models.PositiveIntegerField(_("against"), default=0)
    abstain = models.PositiveIntegerField(_("abstaining"), default=0)
    written_yes = models.PositiveIntegerField(_("written opinions in favour"), default=0)
    written_no = models.PositiveIntegerField(_("written opinions against"), default=0)
    written_abstain = models.PositiveIntegerField(_("written opinions abstaining"), default=0)

    class Meta:
        verbose_name = _("vote record")
        verbose_name_plural = _("vote records")
        ordering = ["activity", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(present__lte=F("entitled")), name="study_vote_present_le_entitled"),
            models.CheckConstraint(
                condition=Q(yes__lte=F("present") - F("no") - F("abstain")), name="study_vote_votes_le_present"
            ),
        ]

    def __str__(self) -> str:
        return self.item


class LifeMeeting(TimeStampedModel):
    """The three stages of an organisational life meeting (组织生活会, 支部条例 Art.18): before it, study and
    heart-to-heart talks; during it, the problems found and criticism and self-criticism; after it, 整改
    (the `RectificationItem` rows)."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="life_meeting"
    )
    study_done = models.BooleanField(_("study and discussion done (学习研讨)"), default=False)
    study_note = models.TextField(_("study notes"), blank=True)
    talks_done = models.BooleanField(_("heart-to-heart talks done (谈心谈话)"), default=False)
    talks_note = models.TextField(_("talk notes"), blank=True)
    problems = models.TextField(_("problems found (查摆问题)"), blank=True, help_text=_("One problem per line."))
    criticism = models.TextField(_("criticism and self-criticism (批评与自我批评)"), blank=True)

    class Meta:
        verbose_name = _("organisational life meeting")
        verbose_name_plural = _("organisational life meetings")

    def __str__(self) -> str:
        return str(self.activity)

    @property
    def problem_list(self) -> list[str]:
        return [line.strip() for line in self.problems.splitlines() if line.strip()]


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class RectificationItem(TimeStampedModel):
    """One 整改措施 after an organisational life meeting: the problem, the measure, who, by when; tracked to done."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="rectifications"
    )
    problem = models.CharField(_("problem"), max_length=300)
    measure = models.TextField(_("measure"))
    owner = models.ForeignKey(
        "members.Member", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="rectifications"
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=8, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_on__isnull=True) | Q(status="done", done_on__isnull=False),
                name="study_rectification_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"], name="study_rectif_owner_idx")]

    def __str__(self) -> str:
        return self.problem


# --- Meetings at committee level: 党委会 and 党政联席会议 (rules.committee_meetings) ------------------


class Side(models.TextChoices):
    """Who puts an agenda item forward, or carries a decision out: the Party committee or the administration."""

    PARTY = "party", _("Party committee (党委)")
    ADMINISTRATION = "administration", _("Administration (行政)")


class CommitteeMeeting(TimeStampedModel):
    """What a committee-level meeting adds to its activity: who chairs it and who keeps the record."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="committee_meeting"
    )
    chair_name = models.CharField(_("chair"), max_length=64, blank=True)
    recorder_name = models.CharField(_("recorder"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")

    def __str__(self) -> str:
        return str(self.activity)


class Outcome(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("agenda item", "Approved")
    AMENDED = "amended", _("Approved with amendments")
    DEFERRED = "deferred", _("Deferred")
    REJECTED = "rejected", _("Not approved")
    NOTED = "noted", _("Heard, no decision")


class AgendaItem(TimeStampedModel):
    """One item (议题) on a committee-level meeting's agenda: who proposed it, its papers, and the meeting's decision."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    side = models.CharField(_("proposed by"), max_length=16, choices=Side.choices)
    proposer_name = models.CharField(_("proposer"), max_length=64)
    proposer_post = models.CharField(_("proposer's post"), max_length=64, blank=True)
    materials = models.TextField(_("papers"), blank=True)
    outcome = models.CharField(
        pgettext_lazy("agenda item", "outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    resolution = models.TextField(_("decision of the meeting"), blank=True)

    # Not stored: the item's decisions, set by the meeting record's selector.
    decision_list: "list[Decision]"

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["activity", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ExternalAttendee(TimeStampedModel):
    """A leader at a committee-level meeting who is not a member on the platform (a dean who is not a Party
    member here, say): recorded by name and post. Members attend through the activity's attendance."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="external_attendees"
    )
    name = models.CharField(_("name"), max_length=64)
    post = models.CharField(_("post"), max_length=64)
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    sits_in = models.BooleanField(_("sits in (列席)"), default=False, help_text=_("May speak but does not vote."))
    present = models.BooleanField(_("present"), default=True)
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("external attendee")
        verbose_name_plural = _("external attendees")
        ordering = ["activity", "side", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Decision(TimeStampedModel):
    """A decision (决定事项) of a committee-level meeting: who carries it out (a side and a person, on the
    platform or by name and post), by when, which organisations it concerns, and what was done."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="meeting_decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions_taken",
    )
    text = models.TextField(_("decision"))
    owner_side = models.CharField(_("carried out by"), max_length=16, choices=Side.choices)
    owner = models.ForeignKey(
        "members.Member",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_decisions",
    )
    owner_name = models.CharField(_("owner (not a member here)"), max_length=64, blank=True)
    owner_post = models.CharField(_("owner's post"), max_length=64, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    orgs = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("concerns"), blank=True, related_name="committee_decisions"
    )
    status = models.CharField(_("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    done_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["activity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_on__isnull=True) | Q(status="done", done_on__isnull=False),
                name="study_decision_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="study_decision_status_due_idx")]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def owner_display(self) -> str:
        """The owner's name and post as the record prints them."""
        name = self.owner.name if self.owner_id else self.owner_name
        return f"{name}（{self.owner_post}）" if name and self.owner_post else name
