"""The backup archive: one tar file holding a manifest, the database and the uploaded files.

Layout (every name relative, POSIX, UTF-8):

    manifest.json              what the archive holds, written first
    database/<file>            the database: a SQLite file, or a `pg_dump` custom-format dump
    data/secret_key            the data folder's generated key (signed check-in codes stay valid)
    media/<path>               every uploaded file, as under MEDIA_ROOT

The manifest lists every other member with its size and SHA-256, the applied migrations (the
schema), the database vendor and the project's version. Reading an archive is bounded: members
must be plain files or folders under those prefixes, with no absolute path and no `..`; their
sizes must match the manifest; and every checksum is verified before anything is written.
Checksums find a damaged or altered archive; they do not prove who made it (anyone able to edit
the archive can edit the manifest too), so archives are kept where only operators can write.
"""

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from django.utils.translation import gettext as _

FORMAT = "dangjian-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PREFIXES = ("database/", "data/", "media/")
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 1_000_000
CHUNK = 1024 * 1024
SUFFIX = ".tar.gz"


class ArchiveError(Exception):
    """The archive cannot be restored; the message says why, in Chinese."""


@dataclass(frozen=True)
class Entry:
    name: str  # member name in the archive
    size: int
    sha256: str


@dataclass
class Manifest:
    created_at: str  # ISO 8601, with the offset
    vendor: str  # "sqlite" or "postgresql"
    project_version: str
    migrations: dict[str, list[str]]  # app label → applied migration names
    database: str  # member name of the database
    entries: list[Entry] = field(default_factory=list)
    media_included: bool = True  # false when uploads live in another storage (e.g. object storage)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        data = {
            "format": self.format,
            "format_version": self.format_version,
            "created_at": self.created_at,
            "vendor": self.vendor,
            "project_version": self.project_version,
            "database": self.database,
            "media_included": self.media_included,
            "migrations": {app: sorted(names) for app, names in sorted(self.migrations.items())},
            "files": [{"name": e.name, "size": e.size, "sha256": e.sha256} for e in self.entries],
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ArchiveError(_("This file is not a dangjian backup."))
            if data.get("format_version") != FORMAT_VERSION:
                raise ArchiveError(
                    _("This backup is in format %(found)s; this version of dangjian reads format %(known)s.")
                    % {"found": data.get("format_version"), "known": FORMAT_VERSION}
                )
            return cls(
                created_at=str(data["created_at"]),
                vendor=str(data["vendor"]),
                project_version=str(data["project_version"]),
                migrations={str(app): [str(n) for n in names] for app, names in data["migrations"].items()},
                database=str(data["database"]),
                media_included=bool(data.get("media_included", True)),
                entries=[Entry(str(f["name"]), int(f["size"]), str(f["sha256"])) for f in data["files"]],
            )
        except ArchiveError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ArchiveError(_("The backup's manifest cannot be read: %(error)s") % {"error": exc}) from exc

    @property
    def applied(self) -> set[tuple[str, str]]:
        return {(app, name) for app, names in self.migrations.items() for name in names}

    @property
    def total_size(self) -> int:
        return sum(entry.size for entry in self.entries)


def sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    """The SHA-256 (hex) and length of what `stream` yields."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def safe_name(name: str) -> bool:
    """Whether an archive member's name stays inside the archive's own folders."""
    if not name or "\\" in name or "\x00" in name:
        return False
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", "") for part in name.split("/")):
        return False
    return name == MANIFEST or name.startswith(PREFIXES)


class ArchiveWriter:
    """Writes members, then the manifest, into a new gzip-compressed tar file."""

    def __init__(self, fileobj: IO[bytes]):
        self._tar = tarfile.open(fileobj=fileobj, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6)  # noqa: SIM115
        self.entries: list[Entry] = []

    def add_file(self, name: str, path, *, mode: int = 0o600) -> Entry:
        """Add the file at `path` as `name`, hashing what is copied (a file that grows meanwhile is
        copied at its length when the copy began)."""
        if not safe_name(name):
            raise ValueError(f"not a name for a backup's member: {name}")
        with open(path, "rb") as source:
            info = tarfile.TarInfo(name)
            info.size = size = os.fstat(source.fileno()).st_size
            info.mode = mode
            hashing = _HashingReader(source)
            self._tar.addfile(info, hashing)  # copies exactly `size` bytes; fails if the file shrank
        digest = hashing.hexdigest()
        entry = Entry(name, size, digest)
        self.entries.append(entry)
        return entry

    def close(self, manifest: Manifest) -> None:
        manifest.entries = list(self.entries)
        raw = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        info.mode = 0o600
        self._tar.addfile(info, io.BytesIO(raw))
        self._tar.close()


class _HashingReader:
    def __init__(self, stream: IO[bytes]):
        self._stream = stream
        self._digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._digest.update(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def _open(path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:*")
    except (tarfile.TarError, OSError, EOFError) as exc:
        reason = str(exc).splitlines()[-1].strip(" -") if str(exc) else exc.__class__.__name__
        raise ArchiveError(_("The backup file cannot be opened: %(error)s") % {"error": reason}) from exc


def check(path) -> Manifest:
    """The archive's manifest, after checking every member against it; nothing is extracted.

    One pass over the archive: a member with an absolute path or `..`, a link or device, a
    member the manifest does not list (or the other way round), a size or a SHA-256 that
    differs from the manifest, refuses the archive with `ArchiveError`.
    """
    found: dict[str, tuple[int, str]] = {}  # name → (size, sha256) as read
    raw_manifest: bytes | None = None
    with _open(path) as tar:
        for count, info in enumerate(tar, start=1):
            if count > MAX_MEMBERS:
                raise ArchiveError(_("The backup holds too many files."))
            name = info.name
            inside = safe_name(name.rstrip("/") + "/x") if info.isdir() else safe_name(name)
            if not inside:
                raise ArchiveError(_("The backup holds a path outside its own folders: %(name)s") % {"name": name})
            if info.isdir():
                continue
            if not info.isreg():
                raise ArchiveError(_("The backup holds a link or special file: %(name)s") % {"name": name})
            if name in found or (name == MANIFEST and raw_manifest is not None):
                raise ArchiveError(_("The backup holds %(name)s twice.") % {"name": name})
            stream = tar.extractfile(info)
            if stream is None:  # not reached: a regular file always has content
                raise ArchiveError(_("The backup holds a link or special file: %(name)s") % {"name": name})
            if name == MANIFEST:
                if info.size > MANIFEST_MAX_BYTES:
                    raise ArchiveError(_("The backup's manifest is too large."))
                raw_manifest = stream.read(MANIFEST_MAX_BYTES + 1)
                continue
            digest, size = sha256_of(stream)
            found[name] = (size, digest)
    if raw_manifest is None:
        raise ArchiveError(_("The backup has no manifest."))
    manifest = Manifest.from_json(raw_manifest)
    listed = {entry.name: entry for entry in manifest.entries}
    if len(listed) != len(manifest.entries) or not all(safe_name(name) for name in listed):
        raise ArchiveError(_("The backup's manifest lists a file twice or outside the backup."))
    if manifest.database not in listed or not manifest.database.startswith("database/"):
        raise ArchiveError(_("The backup holds no database."))
    if set(listed) != set(found):
        missing = sorted(set(listed) - set(found))[:3]
        extra = sorted(set(found) - set(listed))[:3]
        raise ArchiveError(
            _("The backup's files do not match its manifest (missing: %(missing)s; not listed: %(extra)s).")
            % {"missing": ", ".join(missing) or "—", "extra": ", ".join(extra) or "—"}
        )
    for name, entry in listed.items():
        if found[name] != (entry.size, entry.sha256):
            raise ArchiveError(
                _("The checksum of %(name)s does not match the manifest: the backup is damaged or was altered.")
                % {"name": name}
            )
    return manifest


def iter_verified(path, manifest: Manifest) -> Iterator[tuple[Entry, "_CheckedReader"]]:
    """Each member with a stream of its content, in archive order; the stream must be read to its end.

    A member whose content does not match its size or checksum raises `ArchiveError` when its
    stream has been read to the end, before the next member is yielded.
    """
    listed = {entry.name: entry for entry in manifest.entries}
    with _open(path) as tar:
        for info in tar:
            entry = listed.get(info.name)
            if entry is None or not info.isreg():
                continue
            stream = tar.extractfile(info)
            if stream is None:  # not reached: `check` let only regular files through
                raise ArchiveError(_("The backup holds a link or special file: %(name)s") % {"name": info.name})
            checked = _CheckedReader(stream, entry)
            yield entry, checked
            checked.finish()


class _CheckedReader:
    def __init__(self, stream: IO[bytes], entry: Entry):
        self._stream = stream
        self._entry = entry
        self._digest = hashlib.sha256()
        self._size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._digest.update(chunk)
        self._size += len(chunk)
        if self._size > self._entry.size:
            raise ArchiveError(
                _("%(name)s in the backup is larger than its manifest says.") % {"name": self._entry.name}
            )
        return chunk

    def finish(self) -> None:
        while self.read(CHUNK):
            pass
        if self._size != self._entry.size or self._digest.hexdigest() != self._entry.sha256:
            raise ArchiveError(
                _("The checksum of %(name)s does not match the manifest: the backup is damaged or was altered.")
                % {"name": self._entry.name}
            )


def manifest_dict(manifest: Manifest) -> dict[str, Any]:
    return json.loads(manifest.to_json())
