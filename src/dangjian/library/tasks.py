"""Background work of the library, run by `dangjian db_worker` (started by `dangjian serve`)."""

from django.tasks import task


@task()
def extract_material(material_id: int) -> None:
    """Read a large uploaded file into pages and index it."""
    from dangjian.library.services.materials import material_extract  # the service enqueues this task

    material_extract(material_id)
