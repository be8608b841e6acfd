"""Django's permission API answered from the scope, so the edge kit can ask without importing accounts.

`user.has_perm(Perm.MANAGE_CARE)` is true when the permission holds anywhere in the tree;
`user.has_perm(Perm.MANAGE_CARE, org)` when it holds at `org` (anything with a tree `path`). The
backend authenticates nobody: logging in stays with Django's and django-axes' backends. It comes
first in AUTHENTICATION_BACKENDS and refuses our permissions itself (PermissionDenied ends Django's
walk through the backends), so asking never costs the model backend's permission queries.
"""

from django.core.exceptions import PermissionDenied

from dangjian.accounts.permissions import Perm, scope_for


class ScopeBackend:
    def authenticate(self, request, **credentials) -> None:
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if perm not in Perm._value2member_map_:
            return False  # not ours: Django's own permissions, for the model backend
        if user_obj.is_active and user_obj.is_authenticated:
            scope = scope_for(user_obj)
            if scope.has_anywhere(Perm(perm)) if obj is None else scope.allows(Perm(perm), getattr(obj, "path", None)):
                return True
        raise PermissionDenied
