"""Domain errors. Services raise them; views and the API turn them into messages and 4xx."""

from collections.abc import Iterable, Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def field_errors(errors: Mapping | None) -> dict[str, list[str]]:
    """Problems per field in the one shape every caller reads: `{field: [message, …]}`.

    A single message (a string or a lazy translation) becomes a list of one; it is never iterated
    into characters.
    """
    shaped: dict[str, list[str]] = {}
    for field, messages in (errors or {}).items():
        if isinstance(messages, str | Promise) or not isinstance(messages, Iterable):
            messages = [messages]
        shaped[str(field)] = [str(message) for message in messages]
    return shaped


class DomainError(Exception):
    """A business rule refused the action. `message` is shown to the user as it is."""

    status_code = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, field: str | None = None, errors: Mapping | None = None):
        self.message = str(message or self.default_message)
        self.field = field
        self.errors = field_errors(errors)
        super().__init__(self.message)


def raise_for_errors(errors: Mapping | None) -> None:
    """Refuse with every problem found (`{field: message or [messages]}`), led by the first; nothing if none.

    The one way a service turns a form's or a rule's errors into a `DomainError`.
    """
    shaped = field_errors(errors)
    if shaped:
        field, messages = next(iter(shaped.items()))
        raise DomainError(messages[0], field=field, errors=shaped)


class NotFound(DomainError):
    """Missing or out of the actor's scope: the two are indistinguishable on purpose."""

    status_code = 404
    default_message = _("The object does not exist or you may not see it.")


class Forbidden(DomainError):
    """The actor may see the object but not perform this action on it."""

    status_code = 403
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    status_code = 409
    default_message = _("The data conflicts with what is already recorded.")
