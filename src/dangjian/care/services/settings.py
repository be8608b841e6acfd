"""An organisation's own deadlines for needs."""

from django.db import transaction

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care import rules
from dangjian.care.models import CareSettings
from dangjian.core import audit
from dangjian.core.errors import Forbidden, raise_for_errors
from dangjian.orgs.models import Organisation

SETTINGS_FIELDS = ["accept_working_days", "answer_working_days"]


@transaction.atomic(durable=True)
def care_settings_update(
    *, actor: User, org: Organisation, accept_working_days: int | None, answer_working_days: int | None
) -> CareSettings:
    """Set the organisation's own deadlines for needs; an empty one inherits from the organisation above.

    Needs already submitted keep their deadlines: a member was told them when they submitted.
    """
    if not scope_for(actor).allows(Perm.MANAGE_CARE, org.path):
        raise Forbidden()
    errors = rules.validate_deadlines(accept_working_days, answer_working_days)
    if not errors:
        # Inherited values count too: a branch cannot set an answer time shorter than the committee's accept time.
        from dangjian.care.selectors.settings import effective_care_settings

        above = effective_care_settings(org, own=False)
        errors = rules.validate_deadlines(
            accept_working_days if accept_working_days is not None else above.accept_working_days,
            answer_working_days if answer_working_days is not None else above.answer_working_days,
        )
    raise_for_errors(errors)
    settings = CareSettings.objects.select_for_update().filter(org=org).first() or CareSettings(org=org)
    before = audit.snapshot(settings, SETTINGS_FIELDS)
    settings.accept_working_days = accept_working_days
    settings.answer_working_days = answer_working_days
    settings.save()
    changes = audit.diff(before, audit.snapshot(settings, SETTINGS_FIELDS))
    if changes:
        audit.record(actor=actor, action="care_settings.update", obj=settings, org_path=org.path, changes=changes)
    return settings
