"""A fixture for tests of a data migration: migrate the test database to a given state, and back to
the latest of every app afterwards.

Migrating an app backwards also unapplies every migration of other apps that depends on it; without
the restore, the tests that run after it in the same process would meet a database without their
newest columns.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.fixture
def migrate():
    """A function `migrate(targets) -> apps` (the project state's apps at the targets)."""

    def to(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
