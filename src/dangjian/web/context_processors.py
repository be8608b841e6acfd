"""Navigation built from what the actor may do, for the layout's sidebar and bottom bar."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.permissions import Perm, scope_for
from dangjian.notices import selectors as notice_selectors
from dangjian.notices.inbox import inbox_if_read


@dataclass(frozen=True)
class NavItem:
    key: str  # "namespace:url-name" prefix that marks the item as the current page
    url: str
    label: str | Promise
    short_label: str | Promise
    icon: str  # a name in dangjian.edge.icons.ICONS
    active: bool = False
    badge: int = 0  # a count worth the user's attention (unread notices), shown beside the label
    lazy_badge: bool = False  # the count is asked for after the page has loaded (the to-do inbox's)
    phone: bool = False  # one of the few in the phone's bottom bar; the rest are under "More"


def _items(request) -> list[NavItem]:
    scope = scope_for(request.user)
    items = [NavItem("web:", reverse("web:home"), _("Home"), _("Home"), "home")]
    if scope.has_anywhere(Perm.MANAGE_STUDY):
        items.append(NavItem("web:dashboard", reverse("web:dashboard"), _("Dashboard"), _("Dashboard"), "chart-pie"))
    if scope.has_anywhere(Perm.VIEW_ORG):
        items.append(NavItem("orgs:", reverse("orgs:org-tree"), _("Organisations"), _("Orgs"), "sitemap"))
    if scope.has_anywhere(Perm.VIEW_MEMBERS):
        items.append(NavItem("members:", reverse("members:member-list"), _("Members"), _("Members"), "users"))
    elif scope.member_id:
        items.append(
            NavItem(
                "members:member-detail",
                reverse("members:member-detail", args=[scope.member_id]),
                _("My profile"),
                _("Profile"),
                "user",
            )
        )
    if scope.has_anywhere(Perm.VIEW_ORG):
        items.append(NavItem("study:plan", reverse("study:plan-list"), _("Study plans"), _("Plans"), "list-check"))
        items.append(
            NavItem(
                "study:activity", reverse("study:activity-list"), _("Activities"), _("Activities"), "calendar-event"
            )
        )
    if scope.member_id:
        items.append(NavItem("study:my-study", reverse("study:my-study"), _("My study"), _("Study"), "book"))
        items.append(
            NavItem("study:selfstudy", reverse("study:selfstudy-list"), _("Self-study"), _("Self-study"), "notebook")
        )
    if scope.member_id or scope.has_anywhere(Perm.VIEW_ORG):
        # 学院决定事项: decisions of the 党委会 and 党政联席会议; its page leads the leadership to the meetings.
        label = _("The college's decisions")
        items.append(NavItem("study:decision", reverse("study:decision-list"), label, label, "flag"))
    items.append(NavItem("library:", reverse("library:index"), _("Study materials"), _("Library"), "books"))
    # Reading every to-do source costs a dozen queries: a page that has not read them for itself gets the
    # count after it has loaded (htmx), so its own queries do not wait for them.
    todos = inbox_if_read(request)
    items.append(
        NavItem(
            "notices:inbox",
            reverse("notices:inbox"),
            _("To-do"),
            _("To-do"),
            "checks",
            badge=len(todos) if todos is not None else 0,
            lazy_badge=todos is None,
        )
    )
    items.append(
        NavItem(
            "notices:announcement",
            reverse("notices:announcement-list"),
            _("Announcements"),
            _("Announcements"),
            "speakerphone",
        )
    )
    items.append(
        NavItem(
            "notices:",
            reverse("notices:list"),
            _("My notices"),
            _("Notices"),
            "bell",
            badge=notice_selectors.unread_count(actor=request.user),
        )
    )
    if scope.member_id:
        items.append(NavItem("care:my-need", reverse("care:my-needs"), _("My needs"), _("Needs"), "heart-handshake"))
    if scope.member_id:
        items.append(NavItem("dues:my", reverse("dues:my-dues"), _("My dues"), _("Dues"), "file-text"))
    if scope.member_id:
        items.append(NavItem("rights:", reverse("rights:index"), _("Members' rights"), _("Rights"), "shield-check"))
    if scope.has_anywhere(Perm.MANAGE_CARE):
        items.append(NavItem("care:need", reverse("care:need-list"), _("Members' needs"), _("Needs"), "heart"))
        items.append(
            NavItem("care:talk", reverse("care:talk-list"), _("Heart-to-heart talks"), _("Talks"), "message-circle")
        )
        items.append(
            NavItem(
                "rights:opinion-list",
                reverse("rights:opinion-list"),
                _("Opinions and appeals"),
                _("Opinions"),
                "message-report",
            )
        )
        items.append(
            NavItem(
                "compliance:warning",
                reverse("compliance:warning-overview"),
                _("Early warning"),
                _("Warning"),
                "alert-triangle",
            )
        )
    if scope.has_anywhere(Perm.MANAGE_STUDY):
        items.append(
            NavItem(
                "compliance:life",
                reverse("compliance:life"),
                _("Organisational life"),
                _("Life"),
                "calendar-check",
            )
        )
    items.append(
        NavItem(
            "evaluation:", reverse("evaluation:campaign-list"), _("Democratic evaluation"), _("Evaluation"), "checklist"
        )
    )
    if scope.has_anywhere(Perm.MANAGE_EVALUATION):
        items.append(
            NavItem(
                "evaluation:recognition",
                reverse("evaluation:recognition-list"),
                _("Recognition"),
                _("Recognition"),
                "award",
            )
        )
    if scope.has_anywhere(Perm.VIEW_MEMBERS):
        items.append(
            NavItem(
                "development:",
                reverse("development:pipeline"),
                _("Member development"),
                _("Development"),
                "user-plus",
            )
        )
    if scope.has_anywhere(Perm.VIEW_MEMBERS):
        items.append(NavItem("dues:", reverse("dues:ledger"), _("Dues ledger"), _("Dues"), "table"))
    if scope.has_anywhere(Perm.VIEW_MEMBERS):
        items.append(NavItem("study:ledger", reverse("study:ledger"), _("Study hours"), _("Hours"), "clock-hour-4"))
    if scope.has_anywhere(Perm.MANAGE_MEMBERS):
        items.append(
            NavItem("members:import", reverse("members:import-upload"), _("Import roster"), _("Import"), "file-upload")
        )
    if scope.has_anywhere(Perm.MANAGE_ACCOUNTS):
        items.append(NavItem("accounts:role", reverse("accounts:role-list"), _("Roles"), _("Roles"), "key"))
    if scope.has_anywhere(Perm.VIEW_AUDIT):
        items.append(NavItem("accounts:audit", reverse("accounts:audit-list"), _("Audit log"), _("Audit"), "history"))
    if scope.is_admin:
        items.append(NavItem("ops:", reverse("ops:status"), _("System status"), _("Status"), "activity"))
    return items


# The bottom bar of a phone has room for four items and "More": an officer's daily tools, a member's own.
PHONE_ITEMS_OFFICER = ["web:", "members:", "notices:inbox", "notices:"]
PHONE_ITEMS_MEMBER = ["web:", "study:my-study", "notices:inbox", "notices:"]


def _mark_phone(items: list[NavItem], scope) -> list[NavItem]:
    keys = PHONE_ITEMS_OFFICER if scope.has_anywhere(Perm.VIEW_MEMBERS) else PHONE_ITEMS_MEMBER
    return [NavItem(**{**item.__dict__, "phone": item.key in keys}) for item in items]


def _mark_active(items: list[NavItem], current: str) -> list[NavItem]:
    # The longest matching prefix wins, so "members:import" beats "members:".
    best = max((item.key for item in items if current.startswith(item.key)), key=len, default=None)
    return [NavItem(**{**item.__dict__, "active": item.key == best}) for item in items]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match else ""
    # Built only when a template shows it: a focused page (the check-in result) skips the cost.
    return {
        "nav_items": SimpleLazyObject(
            lambda: _mark_active(_mark_phone(_items(request), scope_for(request.user)), current)
        )
    }
