import pytest


@pytest.fixture
def db_queue(settings):
    """The database task queue instead of the tests' immediate backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
