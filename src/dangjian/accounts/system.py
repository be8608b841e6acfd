"""The system actor: who acts when no person does (nightly jobs, the demo builder, data migrations).

Every service takes an actor and checks it; a job that runs at 01:30 acts as this account instead of
passing "no actor" (which used to mean "no checks", and would have meant the same for a bug). The
account holds every permission (`scope_for` grants it the administrator's role), is inactive with no
usable password, so nobody can log in as it or get a token for it, and the audit log names it.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangjian.accounts.models import User

SYSTEM_USERNAME = "@system"  # no staff or student number starts with "@"


def system_actor() -> User:
    """The system account, created the first time it is needed."""
    user = User.objects.filter(is_system=True).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User(username=SYSTEM_USERNAME, display_name=_("System"), is_system=True, is_active=False)
            user.set_unusable_password()
            user.save()
    except IntegrityError:  # created meanwhile by another process
        user = User.objects.get(is_system=True)
    return user
