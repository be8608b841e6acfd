"""The demo college and the university-scale data set for bench/: one plan, two writers.

`build_plan` (in `dangjian.demo.plan`) draws a deterministic plan of organisations, people,
officers, transfers and special situations. `write_with_services` stores it through the
product's services, as an officer would have entered it (the demo); `write_bulk` stores the
same rows with `bulk_create`, fast enough for tens of thousands of members (bench/).

Demo data is recognised by its organisation codes: every one starts with `DEMO-`.
"""

import datetime
import secrets
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.accounts import services as account_services
from dangjian.accounts.models import Role, RoleGrant, User
from dangjian.core import audit
from dangjian.demo.plan import (
    BENCH_SCALE,
    DEMO_ACCOUNTS,
    DEMO_CODE_PREFIX,
    DEMO_COMMITTEE_CODE,
    DEMO_PASSWORD,
    DEMO_SCALE,
    DEMO_USERNAMES,
    DemoAccount,
    OfficerPlan,
    OrgPlan,
    PersonPlan,
    Plan,
    Scale,
    SituationPlan,
    TransferPlan,
    build_plan,
)
from dangjian.members import rules as member_rules
from dangjian.members import services as member_services
from dangjian.members.models import Member, Membership, SpecialSituation
from dangjian.orgs import rules as org_rules
from dangjian.orgs import services as org_services
from dangjian.orgs.models import OfficerTerm, Organisation

__all__ = [
    "BENCH_SCALE",
    "DEMO_ACCOUNTS",
    "DEMO_CODE_PREFIX",
    "DEMO_COMMITTEE_CODE",
    "DEMO_PASSWORD",
    "DEMO_SCALE",
    "DEMO_USERNAMES",
    "DemoAccount",
    "OfficerPlan",
    "OrgPlan",
    "PersonPlan",
    "Plan",
    "Scale",
    "SituationPlan",
    "TransferPlan",
    "build_demo",
    "build_plan",
    "demo_account_rows",
    "demo_accounts_ensure",
    "demo_state",
    "write_bulk",
    "write_with_services",
]

# ---------------------------------------------------------------------------------------------
# Writers


@transaction.atomic
def write_with_services(plan: Plan) -> dict[str, int]:
    """Store the plan through the services (actor None: the system), in one transaction."""
    orgs: dict[str, Organisation] = {}
    for o in plan.orgs:
        orgs[o.code] = org_services.org_create(
            actor=None,
            parent=orgs[o.parent] if o.parent else None,
            kind=o.kind,
            name=o.name,
            code=o.code,
            founded_on=o.founded_on,
            admin_unit=o.admin_unit,
            admin_unit_head=o.admin_unit_head,
            term_started_on=o.term_started_on,
            sort_order=o.sort_order,
        )
    for username, display_name in plan.admins:
        admin = account_services.user_create(
            actor=None, username=username, display_name=display_name, password=DEMO_PASSWORD, must_change_password=False
        )
        account_services.role_grant(actor=None, user=admin, role=Role.ADMIN, since=plan.today)
    members: dict[str, Member] = {}
    for p in plan.people:
        if p.password:
            # The account comes first so that member_create links it instead of making one.
            account_services.user_create(
                actor=None, username=p.number, display_name=p.name, password=p.password, must_change_password=False
            )
        member = member_services.member_create(actor=None, org=orgs[p.org], since=p.since, **p.fields())
        for t in p.transfers:
            member = member_services.member_transfer(
                actor=None, member=member, to_org=orgs[t.to_org] if t.to_org else None, on=t.on, reason=t.reason
            )
        members[p.number] = member
    for o in plan.officers:
        org_services.officer_appoint(
            actor=None, org=orgs[o.org], member=members[o.number], position=o.position, since=o.since, until=o.until
        )
    for s in plan.situations:
        # situation_add is a durable action of a signed-in officer; the loader writes the same
        # row and audit event inside its own transaction.
        member = members[s.number]
        situation = SpecialSituation.objects.create(
            member=member, kind=s.kind, since=s.since, until=s.until, note=s.note
        )
        audit.record(
            actor=None,
            action="member.situation_add",
            obj=situation,
            org_path=member.org.path if member.org_id else "",
            changes={"member": member.pk, "kind": s.kind, "since": s.since, "until": s.until, "note": s.note},
        )
    return _counts(plan)


def _counts(plan: Plan) -> dict[str, int]:
    return {
        "organisations": len(plan.orgs),
        "branches": sum(1 for o in plan.orgs if o.kind == "branch"),
        "members": sum(1 for p in plan.people if p.current_org),
        "officer_terms": len(plan.officers),
        "situations": len(plan.situations),
    }


def write_bulk(plan: Plan, *, with_members: bool = True, batch_size: int = 2000) -> dict[str, float]:
    """Store the plan with bulk inserts: the same rows as the services write, without audit events.

    Returns the seconds each step took. `with_members=False` writes only the organisations and
    the administrator accounts (an empty tree for an import benchmark).
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = round(now - started, 3)
        started = now

    with transaction.atomic():
        orgs = _bulk_orgs(plan, batch_size)
        lap("organisations")
        password_hash = make_password(DEMO_PASSWORD)
        admins = User.objects.bulk_create(
            [User(username=u, display_name=n, password=password_hash) for u, n in plan.admins], batch_size=batch_size
        )
        RoleGrant.objects.bulk_create([RoleGrant(user=u, role=Role.ADMIN, since=plan.today) for u in admins])
        if not with_members:
            return timings
        initials: dict[str, str] = {}
        for p in plan.people:
            if p.name not in initials:
                initials[p.name] = member_rules.name_initials(p.name)
        users = User.objects.bulk_create(
            [
                User(
                    username=p.number,
                    display_name=p.name,
                    password=password_hash if p.password else UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
                    must_change_password=not p.password,
                )
                for p in plan.people
            ],
            batch_size=batch_size,
        )
        lap("accounts")
        members = Member.objects.bulk_create(
            [
                Member(
                    user=user,
                    org=orgs[p.current_org] if p.current_org else None,
                    name_initials=initials[p.name],
                    **p.fields(),
                )
                for p, user in zip(plan.people, users, strict=True)
            ],
            batch_size=batch_size,
        )
        lap("members")
        added = _("Added to the roster")
        rows = []
        for p, member in zip(plan.people, members, strict=True):
            org, since, reason = p.org, p.since, added
            for t in p.transfers:
                rows.append(Membership(member=member, org=orgs[org], since=since, until=t.on, reason=reason))
                org, since, reason = t.to_org, t.on, t.reason
            if org is not None:
                rows.append(Membership(member=member, org=orgs[org], since=since, reason=reason))
        Membership.objects.bulk_create(rows, batch_size=batch_size)
        lap("memberships")
        by_number = {p.number: m for p, m in zip(plan.people, members, strict=True)}
        terms = OfficerTerm.objects.bulk_create(
            [
                OfficerTerm(
                    org=orgs[o.org], member=by_number[o.number], position=o.position, since=o.since, until=o.until
                )
                for o in plan.officers
            ],
            batch_size=batch_size,
        )
        grants = []
        for term in terms:
            role = org_rules.POSITION_ROLES.get((term.org.kind, term.position))
            if role:
                grants.append(
                    RoleGrant(
                        user_id=term.member.user_id,
                        role=role,
                        org=term.org,
                        since=term.since,
                        until=term.until,
                        note=f"officer_term:{term.pk}",
                    )
                )
        RoleGrant.objects.bulk_create(grants, batch_size=batch_size)
        SpecialSituation.objects.bulk_create(
            [
                SpecialSituation(member=by_number[s.number], kind=s.kind, since=s.since, until=s.until, note=s.note)
                for s in plan.situations
            ],
            batch_size=batch_size,
        )
        lap("officers and situations")
    return timings


def _bulk_orgs(plan: Plan, batch_size: int) -> dict[str, Organisation]:
    """Insert the tree level by level: a node's path needs its own id and its parent's path."""
    orgs: dict[str, Organisation] = {}
    depth = {}
    for o in plan.orgs:  # parents come before their children
        depth[o.code] = depth[o.parent] + 1 if o.parent else 0
    for level in range(max(depth.values(), default=-1) + 1):
        batch = [
            Organisation(
                parent=orgs[o.parent] if o.parent else None,
                kind=o.kind,
                name=o.name,
                code=o.code,
                founded_on=o.founded_on,
                admin_unit=o.admin_unit,
                admin_unit_head=o.admin_unit_head,
                term_started_on=o.term_started_on,
                sort_order=o.sort_order,
                path=f"new-{o.code}",
                depth=level,
            )
            for o in plan.orgs
            if depth[o.code] == level
        ]
        Organisation.objects.bulk_create(batch, batch_size=batch_size)
        for org in batch:
            org.path = (org.parent.path if org.parent else "") + Organisation.path_segment(org.pk)
            orgs[org.code] = org
        Organisation.objects.bulk_update(batch, ["path"], batch_size=batch_size)
    return orgs


# ---------------------------------------------------------------------------------------------
# Recognising the demo


EMPTY, DEMO, OTHER = "empty", "demo", "other"


def demo_state() -> tuple[str, str]:
    """("empty" | "demo" | "other", reason): whether the database holds only demo data.

    Demo data: every organisation's code starts with DEMO-, every member has a membership
    history (so belongs, or belonged, to those organisations), and every account is a demo
    account or belongs to a demo member.
    """
    if Organisation.objects.exclude(code__startswith=DEMO_CODE_PREFIX).exists():
        return OTHER, _("it holds organisations whose code does not start with %(prefix)s") % {
            "prefix": DEMO_CODE_PREFIX
        }
    if Member.objects.filter(memberships__isnull=True).exists():
        return OTHER, _("it holds members outside the demo organisations")
    accounts = User.objects.exclude(is_system=True)  # the system account acts in every database
    if accounts.exclude(username__in=DEMO_USERNAMES).filter(member__isnull=True).exists():
        return OTHER, _("it holds accounts that are not demo accounts")
    if Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).exists():
        return DEMO, ""
    if Organisation.objects.exists() or Member.objects.exists() or accounts.exists():
        return OTHER, _("it holds an incomplete demo college")
    return EMPTY, ""


def build_demo(*, seed: int = 1, today: datetime.date | None = None, scale: Scale | None = None) -> dict[str, int]:
    """Build the demo college through the services; the caller checks `demo_state` first."""
    return write_with_services(build_plan(seed=seed, today=today, scale=scale or DEMO_SCALE))


def demo_accounts_ensure() -> list[str]:
    """Make the demo accounts usable again (password, active, not locked out); the names changed."""
    from axes.utils import reset as axes_reset

    changed = []
    for user in User.objects.filter(username__in=DEMO_USERNAMES):
        if user.check_password(DEMO_PASSWORD) and user.is_active and not user.must_change_password:
            continue
        user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.must_change_password = False
        user.save(update_fields=["password", "is_active", "must_change_password"])
        audit.record(actor=None, action="account.password_reset", obj=user)
        changed.append(user.username)
    for username in DEMO_USERNAMES:
        axes_reset(username=username)
    return changed


@dataclass(frozen=True)
class DemoAccountRow:
    username: str
    description: str
    name: str
    organisation: str


def demo_account_rows() -> list[DemoAccountRow]:
    """The demo accounts with who they are, for the command to print."""
    users = {
        u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("member__org__parent")
    }
    led = {
        term.member.number: term.org
        for term in OfficerTerm.objects.current()
        .filter(member__number__in=DEMO_USERNAMES, position="secretary")
        .select_related("org", "member")
    }
    rows = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        if user is None:
            continue
        member = getattr(user, "member", None)
        org = led.get(account.username) or (member.org if member else None)
        if org is None:
            where = _("the whole platform")
        elif org.kind == "group" and org.parent_id:
            where = f"{org.parent.name} · {org.name}"
        else:
            where = org.name
        rows.append(DemoAccountRow(account.username, str(account.description), user.display_name, where))
    return rows
