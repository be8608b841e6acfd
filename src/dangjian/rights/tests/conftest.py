import pytest

from dangjian.rights.tests.fakes import FakeDecisions


@pytest.fixture
def decisions():
    """A fake kind of decision, registered for the test and unregistered after it."""
    fake = FakeDecisions().register()
    yield fake
    fake.unregister()
