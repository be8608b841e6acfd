"""Every page and every API operation × every role → the expected status.

Pages are discovered from the URL configuration and API operations from the OpenAPI document,
so a new page or operation fails this test until its row is added here. One test per page or
operation builds the college once and sends each role's request in a savepoint of its own.
"""

import datetime
from collections.abc import Callable
from functools import cache, cached_property

import pytest
from conftest import ROLES, College
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dangjian.accounts.permissions import forget_scope
from dangjian.accounts.system import system_actor
from dangjian.config.api import api
from dangjian.orgs.models import OfficerTerm
from tests import (
    matrix_accounts,
    matrix_care,
    matrix_committee_meetings,
    matrix_compliance,
    matrix_development,
    matrix_dues,
    matrix_evaluation,
    matrix_notices,
    matrix_ops,
    matrix_records,
    matrix_rights,
    matrix_web,
)
from tests.matrix_roles import (
    ACCOUNT_MANAGERS,
    ADMIN,
    ANON,
    ANY_MANAGER,
    ANY_VIEWER,
    API_ANON,
    AUDITOR,
    BRANCH,
    COMMITTEE,
    EXPECTED,
    LEADER,
    LOGGED_IN,
    MEMBER,
    MEMBER_MANAGERS,
    MEMBER_VIEWERS,
    ORG_MANAGERS,
    ORG_VIEWERS,
    PLAN_VIEWERS,
    STUDY_COMMITTEE,
    STUDY_MANAGERS,
    WITH_MEMBER_RECORD,
    allow,
)

# Apps whose rows live in a module of their own (`tests/matrix_<app>.py`): each has PAGES, KWARGS, QUERY,
# POST_DATA, OPERATIONS and REQUESTS shaped like the ones here, and an `Objects(college)` class whose cached
# properties build what its rows reach; KWARGS, QUERY, POST_DATA and REQUESTS values take that object.
PARTS = [
    matrix_accounts,
    matrix_notices,
    matrix_care,
    matrix_rights,
    matrix_evaluation,
    matrix_compliance,
    matrix_development,
    matrix_dues,
    matrix_ops,
    matrix_web,
    matrix_records,
    matrix_committee_meetings,
]

# URL name → (method, expected status per role)
PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "web:home": ("get", allow(200, LOGGED_IN)),
    "web:menu": ("get", allow(200, LOGGED_IN)),
    "accounts:login": ("get", allow(200, [ANON], other=302)),
    "accounts:logout": ("post", allow(302, ROLES)),
    "accounts:password-change": ("get", allow(200, LOGGED_IN)),
    "accounts:audit-list": ("get", allow(200, [ADMIN, AUDITOR])),
    "accounts:audit-export": ("get", allow(200, [ADMIN, AUDITOR])),
    "accounts:role-list": ("get", allow(200, ANY_MANAGER)),
    "accounts:role-grant": ("get", allow(200, ANY_MANAGER)),
    "accounts:role-grant-orgs": ("get", allow(200, ANY_MANAGER, anon=401)),  # the grant's org picker
    "accounts:role-end": ("get", allow(200, ACCOUNT_MANAGERS)),
    "orgs:org-tree": ("get", allow(200, ANY_VIEWER)),
    "orgs:org-create": ("get", allow(200, ORG_MANAGERS)),
    "orgs:org-options": ("get", allow(200, LOGGED_IN, anon=401)),  # scoped: empty for a plain member
    "orgs:org-detail": ("get", allow(200, ORG_VIEWERS)),
    "orgs:org-edit": ("get", allow(200, ORG_MANAGERS)),
    "orgs:officer-appoint": ("get", allow(200, ORG_MANAGERS)),
    "orgs:officer-candidates": ("get", allow(200, ORG_MANAGERS, anon=401)),  # the appointment's member picker
    "orgs:officer-end": ("get", allow(200, ORG_MANAGERS)),
    "members:member-list": ("get", allow(200, LOGGED_IN)),
    "members:member-create": ("get", allow(200, ANY_MANAGER)),
    "members:member-options": ("get", allow(200, LOGGED_IN, anon=401)),  # scoped as the roster
    "members:member-org-options": ("get", allow(200, LOGGED_IN, anon=401)),  # empty without MANAGE_MEMBERS
    "members:member-export": ("get", allow(200, ANY_VIEWER)),
    "members:member-detail": ("get", allow(200, MEMBER_VIEWERS)),
    "members:member-edit": ("get", allow(200, MEMBER_MANAGERS)),
    "members:member-reveal": ("post", allow(200, [ADMIN, COMMITTEE, BRANCH, MEMBER])),
    "members:member-transfer": ("get", allow(200, MEMBER_MANAGERS)),
    "members:situation-add": ("get", allow(200, MEMBER_MANAGERS)),
    "members:member-password-reset": ("post", allow(200, MEMBER_MANAGERS)),
    "members:member-account-deactivate": ("post", allow(302, MEMBER_MANAGERS)),
    "members:import-upload": ("get", allow(200, ANY_MANAGER)),
    "members:import-template": ("get", allow(200, ANY_MANAGER)),
    "members:import-preview": ("get", allow(404, [])),
    "members:import-confirm": ("post", allow(404, [])),
    # Study: semesters, the calendar, directives and plans (the faculty branch's plan).
    "study:semester-list": ("get", allow(200, ANY_VIEWER)),
    "study:semester-create": ("get", allow(200, STUDY_COMMITTEE)),
    "study:semester-edit": ("get", allow(200, STUDY_COMMITTEE)),
    "study:calendar": ("get", allow(200, LOGGED_IN)),
    "study:calendar-day-set": ("post", allow(302, STUDY_COMMITTEE)),
    "study:calendar-day-remove": ("post", allow(302, STUDY_COMMITTEE)),
    "study:directive-list": ("get", allow(200, ANY_VIEWER)),
    "study:directive-create": ("get", allow(200, STUDY_COMMITTEE)),
    "study:directive-detail": ("get", allow(200, ANY_VIEWER)),
    "study:directive-edit": ("get", allow(200, STUDY_COMMITTEE)),
    "study:plan-list": ("get", allow(200, ANY_VIEWER)),
    "study:plan-create": ("get", allow(200, ANY_MANAGER)),
    "study:plan-detail": ("get", allow(200, PLAN_VIEWERS)),
    "study:plan-export": ("get", allow(200, PLAN_VIEWERS)),
    "study:plan-edit": ("get", allow(200, STUDY_MANAGERS)),
    "study:plan-item-add": ("get", allow(200, STUDY_MANAGERS)),
    "study:plan-publish": ("get", allow(200, STUDY_MANAGERS)),
    "study:plan-item-edit": ("get", allow(200, STUDY_MANAGERS)),
    "study:plan-item-remove": ("post", allow(302, STUDY_MANAGERS)),
    "study:plan-item-schedule": ("post", allow(302, STUDY_MANAGERS)),
    "study:settings": ("get", allow(200, STUDY_MANAGERS)),
    # Study: activities of the faculty branch, 张三's leave and make-up.
    "study:activity-list": ("get", allow(200, LOGGED_IN)),
    "study:activity-export": ("get", allow(200, LOGGED_IN)),
    "study:activity-create": ("get", allow(200, ANY_MANAGER)),
    "study:activity-speakers": ("get", allow(200, STUDY_MANAGERS, anon=401)),  # the speaker picker's options
    "study:activity-orgs": ("get", allow(200, ANY_MANAGER, anon=401)),  # the organiser picker's options
    "study:activity-detail": ("get", allow(200, MEMBER_VIEWERS)),
    "study:activity-edit": ("get", allow(200, STUDY_MANAGERS)),
    "study:activity-publish": ("post", allow(302, STUDY_MANAGERS)),
    "study:activity-cancel": ("post", allow(302, STUDY_MANAGERS)),
    "study:activity-close": ("post", allow(302, STUDY_MANAGERS)),
    "study:activity-record": ("get", allow(200, STUDY_MANAGERS)),
    "study:activity-photo-add": ("post", allow(400, STUDY_MANAGERS)),  # no file sent: the form is shown again
    # Past meetings imported afterwards: an upload waits in its uploader's session, so any other token is 404.
    "study:record-import": ("get", allow(200, ANY_MANAGER)),
    "study:record-import-template": ("get", allow(200, ANY_MANAGER)),
    "study:record-import-preview": ("get", allow(404, [])),
    "study:record-import-confirm": ("post", allow(404, [])),
    "study:activity-photo": ("get", allow(200, MEMBER_VIEWERS)),
    "study:activity-photo-remove": ("post", allow(302, STUDY_MANAGERS)),
    "study:attendance-mark": ("post", allow(302, STUDY_MANAGERS)),
    "study:check-in-screen": ("get", allow(200, STUDY_MANAGERS)),
    "study:check-in-qr": ("get", allow(200, STUDY_MANAGERS)),
    # The QR link looks the activity up unscoped and says why a caller cannot check in.
    "study:check-in": ("get", allow(200, EXPECTED, other=400)),
    "study:leave-create": ("get", allow(200, MEMBER_VIEWERS)),
    "study:leave-decide": ("get", allow(200, STUDY_MANAGERS)),
    "study:make-up-submit": ("get", allow(200, [*STUDY_MANAGERS, MEMBER])),
    "study:make-up-review": ("get", allow(200, STUDY_MANAGERS)),
    "study:review-list": ("get", allow(200, ANY_MANAGER)),
    "study:my-study": ("get", allow(200, LOGGED_IN)),
    "study:calendar-subscription": ("get", allow(200, LOGGED_IN)),
    "study:calendar-link-revoke": ("post", allow(302, [MEMBER])),  # someone else's link looks missing
    # The feed is opened by a calendar app without a login: its key is the credential, whoever sends it.
    "study:calendar-feed": ("get", dict.fromkeys(ROLES, 200)),
    # Study: 张三's self-study, the faculty branch's reading list, reflections and the ledger.
    "study:selfstudy-list": ("get", allow(200, LOGGED_IN)),
    "study:selfstudy-edit": ("get", allow(200, [MEMBER])),
    "study:selfstudy-delete": ("post", allow(302, [MEMBER])),
    "study:my-hours": ("get", allow(200, LOGGED_IN)),
    "study:readinglist-list": ("get", allow(200, LOGGED_IN)),
    "study:readinglist-create": ("get", allow(200, ANY_MANAGER)),
    "study:readinglist-edit": ("get", allow(200, STUDY_MANAGERS)),
    "study:reflection-list": ("get", allow(200, ANY_VIEWER)),
    "study:ledger": ("get", allow(200, ANY_VIEWER)),
    "study:ledger-export": ("get", allow(200, ANY_VIEWER)),
    # Library: a published material of the faculty branch for all members, and a draft of it.
    "library:index": ("get", allow(200, LOGGED_IN)),
    "library:upload": ("get", allow(200, ANY_MANAGER)),
    "library:video-create": ("get", allow(200, ANY_MANAGER)),
    "library:detail": ("get", allow(200, MEMBER_VIEWERS)),
    "library:edit": ("get", allow(200, STUDY_MANAGERS)),
    "library:publish": ("post", allow(302, STUDY_MANAGERS)),
    "library:withdraw": ("post", allow(302, STUDY_MANAGERS)),
    "library:delete": ("post", allow(302, STUDY_MANAGERS)),
    "library:read": ("get", allow(200, MEMBER_VIEWERS)),
    "library:read-font": ("post", allow(302, MEMBER_VIEWERS)),
    "library:download": ("get", allow(200, MEMBER_VIEWERS)),
    # Library: a study topic of the faculty branch for all members, with its published material.
    "library:material-options": ("get", allow(200, LOGGED_IN, anon=401)),  # the material picker's options
    "library:topic-list": ("get", allow(200, LOGGED_IN)),
    "library:topic-create": ("get", allow(200, ANY_MANAGER)),
    "library:topic-detail": ("get", allow(200, MEMBER_VIEWERS)),
    "library:topic-edit": ("get", allow(200, STUDY_MANAGERS)),
}
for part in PARTS:
    PAGES |= part.PAGES

SKIPPED_NAMESPACES = {"api"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            yield from _walk(pattern.url_patterns, f"{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, pattern


@cache
def discovered_pages() -> dict[str, URLPattern]:
    return dict(_walk(get_resolver().url_patterns))


def test_every_page_is_in_the_matrix():
    assert sorted(set(discovered_pages()) - set(PAGES)) == []
    assert sorted(set(PAGES) - set(discovered_pages())) == []


class Study:
    """The study objects the URLs and operations reach, each built on first use: a row builds only what it needs,
    and a fresh set per role lets once-only requests (remove, delete, check in, decide) run for every role."""

    def __init__(self, college: College):
        self.college = college
        self._parts: dict = {}

    @cached_property
    def calendar(self):
        """张三's calendar feed link: (the token, its key)."""
        from dangjian.accounts.models import TokenPurpose
        from dangjian.accounts.services import token_issue

        return token_issue(actor=self.college.member.user, purpose=TokenPurpose.CALENDAR, days=30)

    def part(self, module):
        """The objects of one per-app part of the matrix, built on first use like the rest."""
        if module not in self._parts:
            self._parts[module] = module.Objects(self.college)
        return self._parts[module]

    @cached_property
    def semester(self):
        from dangjian.study.tests.factories_plans import make_semester

        return make_semester(self.college.committee)

    @cached_property
    def next_semester(self):
        from dangjian.study.tests.factories_plans import SPRING_2027, make_semester

        return make_semester(self.college.committee, SPRING_2027)

    @cached_property
    def directive(self):
        from dangjian.study.tests.factories_plans import make_directive

        return make_directive(self.semester)[0]

    @cached_property
    def plan(self):
        """The faculty branch's plan for the semester."""
        from dangjian.study.tests.factories_plans import make_plan

        return make_plan(self.college.branch, self.semester)

    @cached_property
    def plan_item(self):
        """An item of the branch's own (not required by the committee), so it may be removed."""
        from dangjian.study.tests.factories_plans import make_item

        return make_item(self.plan)

    @cached_property
    def regular_item(self):
        """A regular theme day of the branch's plan, with the branch's fixed day set."""
        from dangjian.study.services.schedule import study_settings_update
        from dangjian.study.tests.factories_plans import make_item

        study_settings_update(actor=system_actor(), org=self.college.branch, theme_day_week=1, theme_day_weekday=4)
        return make_item(self.plan, regular=True)

    @cached_property
    def activity(self):
        """A published activity of the faculty branch starting in ten minutes: check-in is open."""
        from dangjian.study.tests.factories_activities import ActivityFactory, at

        return ActivityFactory(org=self.college.branch, starts_at=at(1 / 6), publish=True)

    @cached_property
    def photo(self):
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        from dangjian.study.services.activities import activity_photo_add

        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, "PNG")
        image = SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")
        return activity_photo_add(actor=system_actor(), activity=self.activity, image=image)

    @cached_property
    def draft(self):
        from dangjian.study.tests.factories_activities import ActivityFactory, at

        return ActivityFactory(org=self.college.branch, starts_at=at(24))

    @cached_property
    def leave(self):
        """张三's leave request from `activity`, not yet decided."""
        from dangjian.study.services.activities import leave_request_create

        return leave_request_create(actor=self.college.member.user, activity=self.activity, reason="出差")

    @cached_property
    def make_up(self):
        """张三's make-up study for a past activity of the faculty branch that has been closed."""
        from dangjian.study.models import MakeUp
        from dangjian.study.services.activities import activity_close
        from dangjian.study.tests.factories_activities import ActivityFactory, at

        past = ActivityFactory(org=self.college.branch, starts_at=at(-5), ends_at=at(-3), publish=True)
        activity_close(actor=system_actor(), activity=past)
        return MakeUp.objects.get(attendance__activity=past, attendance__member=self.college.member)

    @cached_property
    def handed_in_make_up(self):
        from dangjian.study.services.activities import make_up_submit

        return make_up_submit(actor=self.college.member.user, make_up=self.make_up, reflection="重学了党章第一章。")

    @cached_property
    def self_study(self):
        """An entry of 张三's for today."""
        from dangjian.study.services.selfstudy import self_study_log

        return self_study_log(
            actor=self.college.member.user, studied_on=timezone.localdate(), minutes=60, title="自学党章"
        )

    @cached_property
    def reading_list(self):
        from dangjian.study.tests.factories_selfstudy import reading_list

        return reading_list(self.college.secretary.user, self.college.branch)

    @cached_property
    def material(self):
        """A published text of the faculty branch, for all members, with its file."""
        return self._material("学习党章的体会", published=True)

    @cached_property
    def topic(self):
        """A study topic of the faculty branch for all members, with the published material."""
        from dangjian.library.services.topics import topic_create

        return topic_create(
            actor=system_actor(), org=self.college.branch, title="学习党章", materials=[self.material.pk]
        )

    @cached_property
    def draft_material(self):
        return self._material("支部学习安排（草稿）", published=False)

    def _material(self, title: str, *, published: bool):
        from django.core.files.base import ContentFile

        from dangjian.library import search
        from dangjian.library.models import Material, MaterialPage

        text = f"{title}：主题党日学习党章，党员交流学习体会。"
        material = Material(
            org=self.college.branch,
            title=title,
            area="rules",
            kind="txt",
            status="published" if published else "draft",
            published_at=timezone.now() if published else None,
            extraction="ready",
            page_count=1,
            keywords=["主题党日", "党章", "学习", "党员", "体会"],
            original_name="党章.txt",
        )
        material.file.save("党章.txt", ContentFile(text.encode()), save=False)
        material.save()
        MaterialPage.objects.create(material=material, number=1, text=text)
        search.index_material(material.pk, title=title, keywords=material.keywords, text=text)
        return material

    def check_in_token(self) -> str:
        from dangjian.study import tokens

        return tokens.current_token(self.activity.pk, timezone.now())


def each_role(college: College, request_as: Callable[[str, Study], HttpResponse]) -> dict[str, HttpResponse]:
    """Every role's response to one request. The college is built once per test; each role's request, with the
    study objects it needs, runs in a savepoint rolled back afterwards, so every role meets the same data
    (what one role removed or checked in is back for the next)."""
    responses = {}
    for role in ROLES:
        savepoint = transaction.atomic()
        savepoint._from_testcase = True  # a test's own wrapper, as Django's TestCase marks it: durable blocks may nest
        with savepoint:
            for user in college.users.values():
                forget_scope(user)
            responses[role] = request_as(role, Study(college))
            transaction.set_rollback(True)
    return responses


def assert_statuses(what: str, responses: dict[str, HttpResponse], expected: dict[str, int]) -> None:
    statuses = {role: response.status_code for role, response in responses.items()}
    wrong = "\n".join(
        f"  {role}: {statuses[role]}, expected {expected[role]}: {responses[role].content[:200]!r}"
        for role in ROLES
        if statuses[role] != expected[role]
    )
    assert statuses == expected, f"{what}\n{wrong}"


# URL name → its URL arguments, for the study pages.
STUDY_KWARGS: dict[str, Callable[[Study], dict]] = {
    "study:semester-edit": lambda s: {"pk": s.semester.pk},
    "study:calendar-feed": lambda s: {"key": s.calendar[1]},
    "study:calendar-link-revoke": lambda s: {"pk": s.calendar[0].pk},
    "study:calendar-day-remove": lambda s: {"day": "2026-10-01"},
    "study:directive-detail": lambda s: {"pk": s.directive.pk},
    "study:directive-edit": lambda s: {"pk": s.directive.pk},
    "study:plan-detail": lambda s: {"pk": s.plan.pk},
    "study:plan-export": lambda s: {"pk": s.plan.pk},
    "study:plan-edit": lambda s: {"pk": s.plan.pk},
    "study:plan-item-add": lambda s: {"pk": s.plan.pk},
    "study:plan-publish": lambda s: {"pk": s.plan.pk},
    "study:plan-item-edit": lambda s: {"pk": s.plan_item.pk},
    "study:plan-item-remove": lambda s: {"pk": s.plan_item.pk},
    "study:plan-item-schedule": lambda s: {"pk": s.regular_item.pk},
    "study:settings": lambda s: {"org_id": s.college.branch.pk},
    "study:activity-detail": lambda s: {"pk": s.activity.pk},
    "study:activity-edit": lambda s: {"pk": s.activity.pk},
    "study:activity-publish": lambda s: {"pk": s.activity.pk},
    "study:activity-cancel": lambda s: {"pk": s.activity.pk},
    "study:activity-close": lambda s: {"pk": s.activity.pk},
    "study:activity-record": lambda s: {"pk": s.activity.pk},
    "study:activity-photo-add": lambda s: {"pk": s.activity.pk},
    "study:record-import-preview": lambda s: {"token": "no-such-upload"},
    "study:record-import-confirm": lambda s: {"token": "no-such-upload"},
    "study:activity-photo": lambda s: {"pk": s.activity.pk, "photo_id": s.photo.pk},
    "study:activity-photo-remove": lambda s: {"pk": s.activity.pk, "photo_id": s.photo.pk},
    "study:attendance-mark": lambda s: {"pk": s.activity.pk, "member_id": s.college.member.pk},
    "study:check-in-screen": lambda s: {"pk": s.activity.pk},
    "study:check-in-qr": lambda s: {"pk": s.activity.pk},
    "study:check-in": lambda s: {"pk": s.activity.pk, "token": s.check_in_token()},
    "study:leave-create": lambda s: {"pk": s.activity.pk},
    "study:leave-decide": lambda s: {"pk": s.leave.pk},
    "study:make-up-submit": lambda s: {"pk": s.make_up.pk},
    "study:make-up-review": lambda s: {"pk": s.handed_in_make_up.pk},
    "study:selfstudy-edit": lambda s: {"pk": s.self_study.pk},
    "study:selfstudy-delete": lambda s: {"pk": s.self_study.pk},
    "study:readinglist-edit": lambda s: {"pk": s.reading_list.pk},
    "library:detail": lambda s: {"pk": s.material.pk},
    "library:edit": lambda s: {"pk": s.material.pk},
    "library:publish": lambda s: {"pk": s.draft_material.pk},
    "library:withdraw": lambda s: {"pk": s.material.pk},
    "library:delete": lambda s: {"pk": s.draft_material.pk},
    "library:read": lambda s: {"pk": s.material.pk},
    "library:read-font": lambda s: {"pk": s.material.pk},
    "library:download": lambda s: {"pk": s.material.pk},
    "library:topic-detail": lambda s: {"pk": s.topic.pk},
    "library:topic-edit": lambda s: {"pk": s.topic.pk},
}

# URL name → the query string a GET sends.
QUERY: dict[str, Callable[[College], dict]] = {
    "study:activity-speakers": lambda c: {"org": c.branch.pk},
}

# URL name → the form a POST sends (the others send none).
POST_DATA: dict[str, dict] = {
    "study:calendar-day-set": {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"},
    "library:read-font": {"size": "20"},
}


def _part_of(name: str, table: str):
    return next((part for part in PARTS if name in getattr(part, table)), None)


def _kwargs(name: str, college: College, study: Study) -> dict:
    if part := _part_of(name, "KWARGS"):
        return part.KWARGS[name](study.part(part))
    if name.startswith(("study:", "library:")):
        return STUDY_KWARGS[name](study) if name in STUDY_KWARGS else {}
    pattern = discovered_pages()[name].pattern
    keys = set(pattern.converters)
    if not keys:
        return {}
    if name.startswith("orgs:officer"):
        if name == "orgs:officer-end":
            return {"pk": OfficerTerm.objects.get(org=college.branch, position="secretary").pk}
        return {"pk": college.branch.pk}
    if name.startswith("orgs:"):
        return {"pk": college.branch.pk}
    if name == "accounts:role-end":
        return {"pk": _extra_grant(college).pk}
    if "token" in keys:
        return {"token": "no-such-upload"}
    return {"pk": college.member.pk}


def test_every_study_page_with_arguments_has_them():
    with_arguments = {name for name, pattern in discovered_pages().items() if pattern.pattern.converters}
    in_parts = {name for part in PARTS for name in part.KWARGS}
    assert sorted({name for name in with_arguments if name.startswith("study:")} - set(STUDY_KWARGS) - in_parts) == []


def _extra_grant(college: College):
    """A role granted without an office: a group leader's role for 张三 at the faculty branch's group."""
    from dangjian.accounts.models import Role
    from dangjian.accounts.services import role_grant

    return role_grant(actor=system_actor(), user=college.member.user, role=Role.GROUP_LEADER, org=college.group)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_permissions(college, name):
    method, expected = PAGES[name]

    def request_as(role: str, study: Study) -> HttpResponse:
        url = reverse(name, kwargs=_kwargs(name, college, study))
        client = Client()
        if role != ANON:
            client.force_login(college.user(role))
        if method == "post":
            if part := _part_of(name, "POST_DATA"):
                return client.post(url, part.POST_DATA[name](study.part(part)))
            return client.post(url, POST_DATA.get(name, {}))
        if part := _part_of(name, "QUERY"):
            response = client.get(url, part.QUERY[name](study.part(part)))
        else:
            response = client.get(url, QUERY[name](college) if name in QUERY else {})
        # A file response holds its file open until it is read to the end; the test client then
        # closes it. (Not `response.close()`: that sends request_finished, which would close the
        # database connection the test is using.)
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    assert_statuses(name, each_role(college, request_as), expected)


# --- API -------------------------------------------------------------------------------------

# operationId → expected status per role (anonymous callers send no token).
OPERATIONS: dict[str, dict[str, int]] = {
    "auth_token_create": {role: 201 for role in ROLES},  # the body carries the credentials, not a token
    "auth_password_change": allow(200, LOGGED_IN, anon=API_ANON),
    "me_get": allow(200, LOGGED_IN, anon=API_ANON),
    "org_list": allow(200, LOGGED_IN, anon=API_ANON),
    "org_get": allow(200, ORG_VIEWERS, anon=API_ANON),
    # A group under the faculty branch: visible-but-not-allowed is 403, out of scope 404.
    "org_create": allow(201, ORG_MANAGERS, anon=API_ANON) | {BRANCH: 403, AUDITOR: 403},
    "org_update": allow(200, ORG_MANAGERS, anon=API_ANON) | {BRANCH: 403, AUDITOR: 403},
    "member_list": allow(200, LOGGED_IN, anon=API_ANON),
    "member_get": allow(200, MEMBER_VIEWERS, anon=API_ANON),
    "member_reveal": allow(200, [ADMIN, COMMITTEE, BRANCH, MEMBER], anon=API_ANON) | {LEADER: 403, AUDITOR: 403},
    "member_create": allow(201, MEMBER_MANAGERS, anon=API_ANON) | {LEADER: 403, AUDITOR: 403},
    "member_update": allow(200, MEMBER_MANAGERS, anon=API_ANON) | {LEADER: 403, AUDITOR: 403, MEMBER: 403},
    "audit_list": allow(200, [ADMIN, AUDITOR], anon=API_ANON),
    "role_grant_list": allow(200, ANY_MANAGER, anon=API_ANON),
    "role_grant_create": allow(201, ACCOUNT_MANAGERS, anon=API_ANON),
    "role_grant_end": allow(200, ACCOUNT_MANAGERS, anon=API_ANON),
    # Study: semesters and plans (the faculty branch's plan).
    "semester_list": allow(200, LOGGED_IN, anon=API_ANON),
    "semester_create": allow(201, STUDY_COMMITTEE, anon=API_ANON) | {AUDITOR: 403},
    "study_plan_list": allow(200, LOGGED_IN, anon=API_ANON),
    "study_plan_get": allow(200, PLAN_VIEWERS, anon=API_ANON),
    "study_plan_create": allow(201, STUDY_MANAGERS, anon=API_ANON) | {AUDITOR: 403},
    "plan_item_create": allow(201, STUDY_MANAGERS, anon=API_ANON) | {LEADER: 403, AUDITOR: 403},
    "study_plan_publish": allow(200, STUDY_MANAGERS, anon=API_ANON) | {LEADER: 403, AUDITOR: 403},
    "study_settings_get": allow(200, STUDY_MANAGERS, anon=API_ANON),
    "study_settings_update": allow(200, STUDY_MANAGERS, anon=API_ANON),
    "plan_item_schedule": allow(201, STUDY_MANAGERS, anon=API_ANON),
    # Study: activities of the faculty branch. Admin and auditor have no member record to check in or ask leave with.
    "activity_list": allow(200, LOGGED_IN, anon=API_ANON),
    "activity_get": allow(200, MEMBER_VIEWERS, anon=API_ANON),
    "activity_create": allow(201, STUDY_MANAGERS, anon=API_ANON) | {AUDITOR: 403},
    # A text file instead of a workbook: 400 for whoever runs study somewhere, 403 for the others.
    "past_record_import_preview": allow(400, ANY_MANAGER, anon=API_ANON, other=403),
    "past_record_import": allow(400, ANY_MANAGER, anon=API_ANON, other=403),
    # A draft is not shown to members until it is announced: only the auditor sees it without the right to publish.
    "activity_publish": allow(200, STUDY_MANAGERS, anon=API_ANON) | {AUDITOR: 403},
    # Anyone with a member record makes a feed of their own activities; accounts without one are told why.
    "calendar_link_create": allow(201, WITH_MEMBER_RECORD, anon=API_ANON, other=400),
    "attendance_check_in": allow(200, EXPECTED, anon=API_ANON) | {ADMIN: 400, AUDITOR: 400},
    "attendance_mark": allow(200, STUDY_MANAGERS, anon=API_ANON) | {LEADER: 403, MEMBER: 403, AUDITOR: 403},
    "leave_request_create": allow(201, EXPECTED, anon=API_ANON) | {ADMIN: 400, AUDITOR: 400},
    "leave_request_decide": allow(200, STUDY_MANAGERS, anon=API_ANON),
    # Officers over 张三's make-up see it but only he hands it in.
    "make_up_submit": allow(200, [MEMBER], anon=API_ANON) | dict.fromkeys(STUDY_MANAGERS, 403),
    "make_up_review": allow(200, STUDY_MANAGERS, anon=API_ANON),
    # Study: self-study, reading lists and the ledger.
    "self_study_list": allow(200, LOGGED_IN, anon=API_ANON),
    "self_study_create": allow(201, WITH_MEMBER_RECORD, anon=API_ANON, other=403),
    "reading_list_list": allow(200, LOGGED_IN, anon=API_ANON),
    "reading_list_create": allow(201, STUDY_MANAGERS, anon=API_ANON) | {AUDITOR: 403},
    "ledger_get": allow(200, ANY_VIEWER, anon=API_ANON),
    # Library: the faculty branch's published material (and a draft of it).
    "material_list": allow(200, LOGGED_IN, anon=API_ANON),
    "material_get": allow(200, MEMBER_VIEWERS, anon=API_ANON),
    "material_upload": allow(201, STUDY_MANAGERS, anon=API_ANON),
    "material_video_create": allow(201, STUDY_MANAGERS, anon=API_ANON),
    "material_update": allow(200, STUDY_MANAGERS, anon=API_ANON),
    "material_publish": allow(200, STUDY_MANAGERS, anon=API_ANON),
    "material_withdraw": allow(200, STUDY_MANAGERS, anon=API_ANON),
    "material_delete": allow(204, STUDY_MANAGERS, anon=API_ANON),
    "material_page_get": allow(200, MEMBER_VIEWERS, anon=API_ANON),
    # Accounts without a member record read but accrue nothing.
    "reading_beat_create": allow(200, MEMBER_VIEWERS, anon=API_ANON),
    "reading_position_get": allow(200, MEMBER_VIEWERS, anon=API_ANON),
    "reading_position_update": allow(200, MEMBER_VIEWERS, anon=API_ANON) | {ADMIN: 403, AUDITOR: 403},
    "my_reading_get": allow(200, WITH_MEMBER_RECORD, anon=API_ANON),
    "topic_list": allow(200, LOGGED_IN, anon=API_ANON),
    "topic_get": allow(200, MEMBER_VIEWERS, anon=API_ANON),
    "topic_create": allow(201, STUDY_MANAGERS, anon=API_ANON) | {AUDITOR: 403},
    "topic_update": allow(200, STUDY_MANAGERS, anon=API_ANON),
    "my_hours_get": allow(200, WITH_MEMBER_RECORD, anon=API_ANON),
}
for part in PARTS:
    OPERATIONS |= part.OPERATIONS


@cache  # building the OpenAPI document takes a tenth of a second
def discovered_operations() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]: (method, path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_every_api_operation_is_in_the_matrix():
    assert sorted(set(discovered_operations()) - set(OPERATIONS)) == []
    assert sorted(set(OPERATIONS) - set(discovered_operations())) == []


# operationId → (path parameters, query, body) for the study operations.
STUDY_REQUESTS: dict[str, Callable[[Study], tuple[dict, dict, dict | None]]] = {
    "semester_list": lambda s: ({}, {}, None),
    "semester_create": lambda s: (
        {},
        {},
        {
            "committee": s.college.committee.pk,
            "name": "2027—2028学年第一学期",
            "starts_on": "2027-09-01",
            "ends_on": "2028-01-31",
        },
    ),  # fmt: skip
    "study_plan_list": lambda s: ({}, {}, None),
    "study_plan_get": lambda s: ({"plan_id": s.plan.pk}, {}, None),
    "study_plan_create": lambda s: ({}, {}, {"org": s.college.branch.pk, "semester": s.next_semester.pk}),
    "plan_item_create": lambda s: (
        {"plan_id": s.plan.pk},
        {},
        {"month": "2026-12-01", "theme": "学习党章", "form": "theme_day", "planned_minutes": 120},
    ),
    "study_plan_publish": lambda s: ({"plan_id": s.plan.pk}, {}, None),
    "study_settings_get": lambda s: ({"org_id": s.college.branch.pk}, {}, None),
    "study_settings_update": lambda s: (
        {"org_id": s.college.branch.pk},
        {},
        {"theme_day_of_month": 10, "late_grace_minutes": 5},
    ),
    "plan_item_schedule": lambda s: ({"item_id": s.regular_item.pk}, {}, None),
    "activity_list": lambda s: ({}, {}, None),
    "activity_get": lambda s: ({"activity_id": s.activity.pk}, {}, None),
    "past_record_import_preview": lambda s: ({}, {}, "upload"),
    "past_record_import": lambda s: ({}, {}, "upload"),
    "activity_create": lambda s: (
        {},
        {},
        {
            "org": s.college.branch.pk,
            "form": "theme_day",
            "theme": "主题党日",
            "audience": "all",
            "starts_at": (timezone.now() + datetime.timedelta(days=1)).isoformat(),
            "ends_at": (timezone.now() + datetime.timedelta(days=1, hours=2)).isoformat(),
        },
    ),  # fmt: skip
    "activity_publish": lambda s: ({"activity_id": s.draft.pk}, {}, None),
    "calendar_link_create": lambda s: ({}, {}, None),
    "attendance_check_in": lambda s: ({"activity_id": s.activity.pk}, {}, {"token": s.check_in_token()}),
    "attendance_mark": lambda s: (
        {"activity_id": s.activity.pk},
        {},
        {"member": s.college.member.pk, "status": "present", "reason": "扫码失败，现场确认"},
    ),
    "leave_request_create": lambda s: ({"activity_id": s.activity.pk}, {}, {"reason": "出差"}),
    "leave_request_decide": lambda s: ({"leave_id": s.leave.pk}, {}, {"approve": True}),
    "make_up_submit": lambda s: ({"make_up_id": s.make_up.pk}, {}, {"reflection": "重学了党章第一章。"}),
    "make_up_review": lambda s: ({"make_up_id": s.handed_in_make_up.pk}, {}, {"accept": True}),
    "self_study_list": lambda s: ({}, {}, None),
    "self_study_create": lambda s: (
        {},
        {},
        {"studied_on": timezone.localdate().isoformat(), "minutes": 45, "title": "自学《准则》"},
    ),
    "reading_list_list": lambda s: ({}, {}, None),
    "reading_list_create": lambda s: (
        {},
        {},
        {"org": s.college.branch.pk, "title": "必读书目", "items": [{"title": "党章"}]},
    ),
    "ledger_get": lambda s: ({}, {}, None),
    "material_list": lambda s: ({}, {"q": "党章"}, None),
    "material_get": lambda s: ({"material_id": s.material.pk}, {}, None),
    "material_upload": lambda s: ({}, {}, "upload"),
    "material_video_create": lambda s: (
        {},
        {},
        {
            "org": s.college.branch.pk,
            "title": "专题片",
            "video_url": "https://video.example.edu.cn/1",
            "duration_minutes": 30,
            "area": "tradition",
        },
    ),
    "material_update": lambda s: ({"material_id": s.material.pk}, {}, {"source": "支部"}),
    "material_publish": lambda s: ({"material_id": s.draft_material.pk}, {}, None),
    "material_withdraw": lambda s: ({"material_id": s.material.pk}, {}, None),
    "material_delete": lambda s: ({"material_id": s.draft_material.pk}, {}, None),
    "material_page_get": lambda s: ({"material_id": s.material.pk, "number": 1}, {}, None),
    "reading_beat_create": lambda s: ({"material_id": s.material.pk}, {}, {"page": 1}),
    "reading_position_get": lambda s: ({"material_id": s.material.pk}, {}, None),
    "reading_position_update": lambda s: ({"material_id": s.material.pk}, {}, {"page": 1}),
    "my_reading_get": lambda s: ({}, {}, None),
    "topic_list": lambda s: ({}, {}, None),
    "topic_get": lambda s: ({"topic_id": s.topic.pk}, {}, None),
    "topic_create": lambda s: ({}, {}, {"org": s.college.branch.pk, "title": "学习党章", "materials": [s.material.pk]}),
    "topic_update": lambda s: ({"topic_id": s.topic.pk}, {}, {"guidance": "先读党章，再读准则。"}),
    "my_hours_get": lambda s: ({}, {}, None),
}


def _api_request(operation: str, college: College, study: Study, role: str) -> tuple[dict, dict, dict | None]:
    """(path parameters, query, body) for one call of `operation` as `role`."""
    if operation in STUDY_REQUESTS:
        return STUDY_REQUESTS[operation](study)
    if part := _part_of(operation, "REQUESTS"):
        return part.REQUESTS[operation](study.part(part))
    from dangjian.members.tests.factories import make_id_number

    org, member = college.branch.pk, college.member.pk
    new_member = {
        "org": college.group.pk,
        "name": "新党员",
        "gender": "female",
        "birth_date": "1990-05-04",
        "id_number": make_id_number(__import__("datetime").date(1990, 5, 4), "female", 7),
        "category": "faculty",
        "number": f"N-{role}",
        "joined_on": "2015-06-01",
        "full_member_on": "2016-06-01",
    }
    password = "test-password-123"
    grant = _extra_grant(college).pk if operation == "role_grant_end" else None
    return {
        "auth_token_create": (
            {},
            {},
            {
                "username": college.user(role).username if role != ANON else "nobody",
                "password": password if role != ANON else "wrong",
            },
        ),
        "auth_password_change": ({}, {}, {"old_password": password, "new_password": "a-New-passw0rd-for-tests"}),
        "me_get": ({}, {}, None),
        "org_list": ({}, {}, None),
        "org_get": ({"org_id": org}, {}, None),
        "org_create": ({}, {}, {"parent": org, "kind": "group", "name": "新党小组", "code": f"NG-{role}"}),
        "org_update": ({"org_id": org}, {}, {"admin_unit": "哲学系"}),
        "member_list": ({}, {}, None),
        "member_get": ({"member_id": member}, {}, None),
        "member_reveal": ({"member_id": member}, {}, {}),
        "member_create": ({}, {}, new_member),
        "member_update": ({"member_id": member}, {}, {"admin_unit": "哲学系"}),
        "audit_list": ({}, {}, None),
        "role_grant_list": ({}, {}, None),
        "role_grant_create": (
            {},
            {},
            {"username": college.member.user.username, "role": "group_leader", "org": college.group.pk},
        ),
        "role_grant_end": ({"grant_id": grant}, {}, {}),
    }[operation]


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_api_permissions(college, operation):
    from dangjian.core.tests.apiclient import ApiClient

    method, path = discovered_operations()[operation]
    expected = dict(OPERATIONS[operation])
    if operation == "auth_token_create":
        expected[ANON] = 401

    def request_as(role: str, study: Study) -> HttpResponse:
        params, query, body = _api_request(operation, college, study, role)
        user = None if role == ANON or operation == "auth_token_create" else college.user(role)
        client = ApiClient(user)
        url = path.removeprefix("/api/v1").format(**params)
        if body == "upload":  # multipart: a small text file
            from django.core.files.uploadedfile import SimpleUploadedFile

            data = {
                "org": college.branch.pk,
                "area": "theory",
                "file": SimpleUploadedFile(f"{role}.txt", f"{role}学习党章".encode()),
            }
            response = client.post_form(url, data)
        elif method == "get":
            response = client.get(url, query)
        elif method == "delete":
            response = client.delete(url)
        else:
            response = getattr(client, method)(url, body)
        if response.status_code == 204:
            return response
        assert response["Content-Type"].startswith("application/json"), f"{operation} as {role}"
        return response

    assert_statuses(operation, each_role(college, request_as), expected)


# --- A member transferred out of the college ---------------------------------------------------

# 张三 has left: the officers of his last organisation keep reading his masked record and may take him back
# in, nothing else; only he still reveals his own data.
TRANSFERRED_PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "members:member-detail": ("get", allow(200, MEMBER_VIEWERS)),
    "members:member-edit": ("get", allow(200, [])),
    "members:member-reveal": ("post", allow(200, [MEMBER])),
    "members:member-transfer": ("get", allow(200, MEMBER_MANAGERS)),
    "members:situation-add": ("get", allow(200, [])),
    "members:member-password-reset": ("post", allow(200, [])),
    "members:member-account-deactivate": ("post", allow(302, [])),
}
TRANSFERRED_OPERATIONS: dict[str, tuple[str, dict[str, int]]] = {
    "member_get": ("get", allow(200, MEMBER_VIEWERS, anon=API_ANON)),
    "member_update": ("patch", allow(403, MEMBER_VIEWERS, anon=API_ANON)),
    "member_reveal": ("post", allow(200, [MEMBER], anon=API_ANON) | {r: 403 for r in MEMBER_VIEWERS if r != MEMBER}),
}


def _transfer_out(college: College) -> None:
    from dangjian.members.services import member_transfer

    member_transfer(actor=system_actor(), member=college.member, to_org=None, on=timezone.localdate())


@pytest.mark.parametrize("name", sorted(TRANSFERRED_PAGES))
def test_pages_on_a_member_transferred_out(college, name):
    _transfer_out(college)
    method, expected = TRANSFERRED_PAGES[name]

    def request_as(role: str, study: Study) -> HttpResponse:
        client = Client()
        if role != ANON:
            client.force_login(college.user(role))
        return getattr(client, method)(reverse(name, kwargs={"pk": college.member.pk}))

    assert_statuses(name, each_role(college, request_as), expected)


@pytest.mark.parametrize("operation", sorted(TRANSFERRED_OPERATIONS))
def test_api_on_a_member_transferred_out(college, operation):
    from dangjian.core.tests.apiclient import ApiClient

    _transfer_out(college)
    method, expected = TRANSFERRED_OPERATIONS[operation]
    assert discovered_operations()[operation][0] == method

    def request_as(role: str, study: Study) -> HttpResponse:
        client = ApiClient(None if role == ANON else college.user(role))
        url = f"/members/{college.member.pk}" + ("/reveal" if operation == "member_reveal" else "")
        return client.get(url) if method == "get" else getattr(client, method)(url, {"admin_unit": "哲学系"})

    assert_statuses(operation, each_role(college, request_as), expected)
