"""The daily run's task moved from `dangjian.config.daily` to `dangjian.ops.daily`.

A run already queued under the old path could no longer be imported and would fail; it is removed,
and `serve` queues the next one under the new path when it starts.
"""

from django.db import migrations

OLD_PATH = "dangjian.config.daily.daily"


def drop_queued_old_runs(apps, schema_editor):
    try:
        DBTaskResult = apps.get_model("django_tasks_db", "DBTaskResult")
    except LookupError:
        return  # the database queue is not installed
    if DBTaskResult._meta.db_table not in schema_editor.connection.introspection.table_names():
        return  # a new database: nothing was ever queued
    DBTaskResult.objects.filter(task_path=OLD_PATH, status="READY").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_worker_heartbeat"),
    ]

    operations = [migrations.RunPython(drop_queued_old_runs, migrations.RunPython.noop)]
