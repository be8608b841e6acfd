"""Settings for the test suite: fast hashing, an in-memory cache, a throw-away data folder."""

import os
import tempfile

os.environ.setdefault("DANGJIAN_SECRET_KEY", "test-only-key-not-secret")
os.environ.setdefault("DANGJIAN_DATA_DIR", tempfile.mkdtemp(prefix="dangjian-test-"))
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # Each pytest-xdist process gets a folder of its own, so uploads and collected files of
    # tests running at the same time never meet.
    os.environ["DANGJIAN_DATA_DIR"] = os.path.join(os.environ["DANGJIAN_DATA_DIR"], worker)

from dangjian.config.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_FAILURE_LIMIT = 5
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "dangjian.core.storage.DataFolderStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Background tasks run at once, inside the test's transaction.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "dangjian.core.sqlite":  # noqa: F405
    # The test database lives in memory, as for Django's own SQLite backend, whose name pytest-xdist's
    # per-process suffix recognises; named explicitly, so it does not become a file per process.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
