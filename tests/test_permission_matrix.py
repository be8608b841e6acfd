"""Every page and every API operation × every role → the expected status.

Pages are discovered from the URL configuration and API operations from the OpenAPI document,
so a new page or operation fails this test until its row is added here.
"""

import pytest
from conftest import ROLES, College
from django.urls import URLPattern, URLResolver, get_resolver

from dangjian.config.api import api
from dangjian.orgs.models import OfficerTerm

ANON, ADMIN, COMMITTEE, BRANCH, LEADER, MEMBER, AUDITOR, OTHER = ROLES

LOGGED_IN = [ADMIN, COMMITTEE, BRANCH, LEADER, MEMBER, AUDITOR, OTHER]


def allow(ok: int, roles: list[str], *, anon: int = 302, other: int = 404) -> dict[str, int]:
    """`ok` for the listed roles, `anon` for anonymous visitors, `other` for everyone else."""
    return {role: ok if role in roles else (anon if role == ANON else other) for role in ROLES}


ORG_VIEWERS = [ADMIN, COMMITTEE, BRANCH, AUDITOR]  # over the faculty branch
ORG_MANAGERS = [ADMIN, COMMITTEE]
MEMBER_VIEWERS = [ADMIN, COMMITTEE, BRANCH, LEADER, AUDITOR, MEMBER]  # over 张三, a group member
MEMBER_MANAGERS = [ADMIN, COMMITTEE, BRANCH]
ANY_MANAGER = [ADMIN, COMMITTEE, BRANCH, OTHER]  # manage members somewhere
ANY_VIEWER = [ADMIN, COMMITTEE, BRANCH, LEADER, AUDITOR, OTHER]  # see a roster somewhere
ACCOUNT_MANAGERS = [ADMIN, COMMITTEE, BRANCH]  # over a role granted at the faculty branch's group

# URL name → (method, expected status per role)
PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "web:home": ("get", allow(200, LOGGED_IN)),
    "accounts:login": ("get", allow(200, [ANON], other=302)),
    "accounts:logout": ("post", allow(302, ROLES)),
    "accounts:password-change": ("get", allow(200, LOGGED_IN)),
    "accounts:audit-list": ("get", allow(200, [ADMIN, AUDITOR])),
    "accounts:role-list": ("get", allow(200, ANY_MANAGER)),
    "accounts:role-grant": ("get", allow(200, ANY_MANAGER)),
    "accounts:role-end": ("get", allow(200, ACCOUNT_MANAGERS)),
    "orgs:org-tree": ("get", allow(200, ANY_VIEWER)),
    "orgs:org-create": ("get", allow(200, ORG_MANAGERS)),
    "orgs:org-detail": ("get", allow(200, ORG_VIEWERS)),
    "orgs:org-edit": ("get", allow(200, ORG_MANAGERS)),
    "orgs:officer-appoint": ("get", allow(200, ORG_MANAGERS)),
    "orgs:officer-end": ("get", allow(200, ORG_MANAGERS)),
    "members:member-list": ("get", allow(200, LOGGED_IN)),
    "members:member-create": ("get", allow(200, ANY_MANAGER)),
    "members:member-export": ("get", allow(200, ANY_VIEWER)),
    "members:member-detail": ("get", allow(200, MEMBER_VIEWERS)),
    "members:member-edit": ("get", allow(200, MEMBER_MANAGERS)),
    "members:member-reveal": ("post", allow(200, [ADMIN, COMMITTEE, BRANCH, MEMBER])),
    "members:member-transfer": ("get", allow(200, MEMBER_MANAGERS)),
    "members:situation-add": ("get", allow(200, MEMBER_MANAGERS)),
    "members:member-password-reset": ("post", allow(200, MEMBER_MANAGERS)),
    "members:import-upload": ("get", allow(200, ANY_MANAGER)),
    "members:import-template": ("get", allow(200, ANY_MANAGER)),
    "members:import-preview": ("get", allow(404, [])),
    "members:import-confirm": ("post", allow(404, [])),
}

SKIPPED_NAMESPACES = {"api"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            yield from _walk(pattern.url_patterns, f"{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, pattern


def discovered_pages() -> dict[str, URLPattern]:
    return dict(_walk(get_resolver().url_patterns))


def test_every_page_is_in_the_matrix():
    assert sorted(set(discovered_pages()) - set(PAGES)) == []
    assert sorted(set(PAGES) - set(discovered_pages())) == []


def _kwargs(name: str, college: College) -> dict:
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


def _extra_grant(college: College):
    """A role granted without an office: a group leader's role for 张三 at the faculty branch's group."""
    from dangjian.accounts.models import Role
    from dangjian.accounts.services import role_grant

    return role_grant(actor=None, user=college.member.user, role=Role.GROUP_LEADER, org=college.group)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_permissions(client, college, name, role):
    from django.urls import reverse

    method, expected = PAGES[name]
    if role != ANON:
        client.force_login(college.user(role))
    response = getattr(client, method)(reverse(name, kwargs=_kwargs(name, college)))
    assert response.status_code == expected[role], f"{name} as {role}"


# --- API -------------------------------------------------------------------------------------

API_ANON = 401
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
}


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


def _api_request(operation: str, college: College, role: str) -> tuple[str, dict, dict | None]:
    """(path parameters, query, body) for one call of `operation` as `role`."""
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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_api_permissions(college, operation, role):
    from dangjian.core.tests.apiclient import ApiClient

    method, path = discovered_operations()[operation]
    params, query, body = _api_request(operation, college, role)
    user = None if role == ANON or operation == "auth_token_create" else college.user(role)
    client = ApiClient(user)
    url = path.removeprefix("/api/v1").format(**params)
    response = client.get(url, query) if method == "get" else getattr(client, method)(url, body)
    expected = OPERATIONS[operation][role]
    if operation == "auth_token_create" and role == ANON:
        expected = 401
    assert response.status_code == expected, f"{operation} as {role}: {response.content[:200]!r}"
    assert response["Content-Type"].startswith("application/json")
