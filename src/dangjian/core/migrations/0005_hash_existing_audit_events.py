"""Hash the audit events written before events carried their content hash.

In batches by id, so that a long log is never held in memory at once. The rows are hashed as they are
now: whatever was changed in them before this migration cannot be found any more, and the first seal
(`dangjian audit seal`, or the nightly job) takes them as they stand.
"""

from django.db import migrations

BATCH = 2000


def hash_events(apps, schema_editor):
    from dangjian.core.auditchain.hashing import HASHED_FIELDS, event_hash

    AuditEvent = apps.get_model("core", "AuditEvent")
    last = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(pk__gt=last, content_hash="")
            .order_by("pk")
            .values_list("pk", *HASHED_FIELDS)[:BATCH]
        )
        if not rows:
            return
        AuditEvent.objects.bulk_update(
            [
                AuditEvent(pk=row[0], content_hash=event_hash(**dict(zip(HASHED_FIELDS, row[1:], strict=True))))
                for row in rows
            ],
            ["content_hash"],
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_content_hash_and_seals")]

    operations = [migrations.RunPython(hash_events, migrations.RunPython.noop, elidable=True)]
