"""What each audit action is called in the audit log.

An audit event stores a code such as ``attendance.mark``; people read a label such as "登记出勤".
Each app names the actions it records in a module ``audit_actions.py`` of its own, calling
``register`` with {code: label}; a code ending in "." names the app's group of actions for the
log's filter. The modules are found the way Django's admin finds ``admin.py``
(``autodiscover_modules``), the first time a label is asked for, so this module, low in the floor
plan, imports no feature app. ``tests/test_audit_actions.py`` fails when code records an action
with no label.
"""

from collections.abc import Iterable, Mapping

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, str | Promise] = {}
_discovered = False


def register(labels: Mapping[str, str | Promise]) -> None:
    """Called at import by each app's ``audit_actions`` module."""
    _LABELS.update(labels)


def _labels() -> dict[str, str | Promise]:
    global _discovered
    if not _discovered:
        autodiscover_modules("audit_actions")
        _discovered = True
    return _LABELS


def label(code: str) -> str:
    """The action's label; an unknown code (an event of a removed feature) is named by its group."""
    labels = _labels()
    if code in labels:
        return str(labels[code])
    group = code.partition(".")[0] + "."
    return str(labels.get(group, _("Other action")))


def choices(codes_present: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The log filter's choices: every registered group and action, then any other code the log holds."""
    codes = list(_labels())
    codes += sorted(set(codes_present) - set(codes))
    return [(code, label(code)) for code in codes]


def registered() -> dict[str, str | Promise]:
    return dict(_labels())


register(
    {
        "account.": _("Accounts (all)"),
        "account.create": _("Account created"),
        "account.password_change": _("Password changed"),
        "account.password_reset": _("Password reset"),
        "account.deactivate": _("Account disabled"),
        "api_token.": _("API tokens (all)"),
        "api_token.create": _("API token issued"),
        "api_token.revoke": _("API token revoked"),
        "api_token.revoke_all": _("All API tokens of an account revoked"),
        "api_token.purge": _("Expired tokens and sessions removed"),
        "role.": _("Roles (all)"),
        "role.grant": _("Role granted"),
        "role.end": _("Role ended"),
        "role.withdraw": _("Role withdrawn"),
        "audit_log.export": _("Audit log exported"),
        "audit_log.verify": _("Audit log verification requested"),
        "token.calendar.create": _("Calendar feed link made"),
        "token.calendar.revoke": _("Calendar feed link revoked"),
    }
)
