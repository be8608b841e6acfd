"""Files that wait between an import's check and its confirmation (the import wizards' upload → check → import).

The file is kept under DATA_DIR/imports/ under a random token; the token is recorded in the uploader's
session with their account, so nobody else can check or confirm it, and the file is read again when
confirmed, since anything may have changed meanwhile. Files older than a day are removed when another
is stored, and a session keeps its last few uploads only.
"""

import datetime
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone


@dataclass(frozen=True)
class PendingUploads:
    session_key: str  # token → {"user": account id, "filename": name, "result": what the import did, once done}
    prefix: str  # of the stored files' names, so that each wizard clears only its own
    keep: datetime.timedelta = datetime.timedelta(days=1)
    keep_per_session: int = 10

    @staticmethod
    def folder() -> Path:
        folder = Path(settings.DATA_DIR) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def path(self, token: str) -> Path:
        return self.folder() / f"{self.prefix}{token}.xlsx"

    def store(self, request: HttpRequest, data: bytes, filename: str) -> str:
        """Keep the file for the check and the confirmation; its token, recorded in the session."""
        cutoff = time.time() - self.keep.total_seconds()
        for old in self.folder().glob(f"{self.prefix}*.xlsx"):
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        token = secrets.token_urlsafe(18)
        self.path(token).write_bytes(data)
        uploads = request.session.get(self.session_key, {})
        for old_token in list(uploads)[: max(0, len(uploads) - self.keep_per_session + 1)]:
            del uploads[old_token]
            self.path(old_token).unlink(missing_ok=True)
        uploads[token] = {"user": request.user.pk, "filename": filename[:200]}
        request.session[self.session_key] = uploads
        return token

    def pending(self, request: HttpRequest, token: str) -> dict:
        """The upload behind `token`, if this session uploaded it while logged in as this user; else 404."""
        entry = request.session.get(self.session_key, {}).get(token)
        if not isinstance(entry, dict) or entry.get("user") != request.user.pk:
            raise Http404
        return entry

    def read(self, token: str) -> bytes:
        """The stored file; 404 once it is gone (imported, or cleared after a day)."""
        stored = self.path(token)
        if not stored.exists():
            raise Http404
        return stored.read_bytes()

    def done(self, request: HttpRequest, token: str, result: dict) -> None:
        """The import went through: the file goes, what it did stays in the session for the result page
        (and for a second click on "import", which shows it instead of importing again)."""
        self.path(token).unlink(missing_ok=True)
        uploads = request.session.get(self.session_key, {})
        uploads[token] = uploads.get(token, {}) | {"result": result | {"at": timezone.now().isoformat()}}
        request.session[self.session_key] = uploads
