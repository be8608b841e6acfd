"""The audit log's verification on the background worker, when an administrator asks for it on the audit page.

A long log takes longer to verify than a request may last, so the page only queues this task; the
result is stored (`AuditVerification`) and the page shows it once the worker has run it.
"""

from django.tasks import task

from dangjian.core.auditchain.chain import Trigger, audit_verify


@task()
def audit_verify_now() -> dict[str, object]:
    verification = audit_verify(trigger=Trigger.PAGE)
    return {"events": verification.events, "days": verification.days, "findings": verification.finding_count}
