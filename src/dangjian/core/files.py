"""What an uploaded file is, read from its content, never from its name or the browser's word for it;
and reading one without letting it take the server down.

A small upload may unpack to gigabytes (a "zip bomb": a Word file whose XML, or a zero-filled
image inside it, compresses a thousandfold), and a crafted PDF may keep its parser busy or eat
memory. So every Office package is checked before it is read (`check_archive`: entries, sizes
declared and actual, compression ratio), and parsers run in a child process (`run_limited`) under
an address-space and CPU limit set in the child, with a wall-clock deadline kept by the parent,
which kills the child's whole process group. The server process itself is never limited.

The child imports this module and the parser's own module, and no Django: the functions that run
in the child (`check_archive`, `workbook_rows`, `_child_main`) use none, Django is imported inside
the functions that run in the server only, and the parsers' messages stay English msgids in the
child (`_MsgidTranslation`), translated by the server.
"""

import contextlib
import dataclasses
import io
import json
import os
import pickle
import resource
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import time
import types
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

# Pillow's format name → the extension a stored file gets
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

# --- archives -------------------------------------------------------------------------------------

ARCHIVE_MAX_ENTRIES = 10_000  # a 500-slide deck has about 2,500 parts
ARCHIVE_MAX_RATIO = 100  # Office XML packs 5–20 times; a zero-filled part packs a thousandfold
ARCHIVE_RATIO_FROM = 1024 * 1024  # smaller parts may pack as tightly as they like: they stay small
_CHUNK = 1024 * 1024


class FileRefused(Exception):
    """A file that would take too much to read. Plain Python (the child raises it too); `reason` is
    one of "entries", "unpacked", "ratio", "text", "memory", "time", and `limit` the limit passed."""

    def __init__(self, reason: str, limit: int = 0):
        self.reason, self.limit = reason, limit
        super().__init__(f"{reason} over {limit}")


@dataclass(frozen=True)
class ReadLimits:
    """How much reading one uploaded file may take: bytes once unpacked, memory, seconds."""

    unpacked: int
    memory: int
    seconds: int
    entries: int = ARCHIVE_MAX_ENTRIES
    ratio: int = ARCHIVE_MAX_RATIO

    @classmethod
    def from_settings(cls) -> "ReadLimits":
        from django.conf import settings

        mib = 1024 * 1024
        return cls(
            unpacked=settings.DANGJIAN_READ_MAX_UNPACKED_MB * mib,
            memory=settings.DANGJIAN_READ_MEMORY_MB * mib,
            seconds=settings.DANGJIAN_READ_SECONDS,
        )


def is_zip(file: BinaryIO) -> bool:
    file.seek(0)
    head = file.read(4)
    file.seek(0)
    return head in (b"PK\x03\x04", b"PK\x05\x06")


def check_archive(file: BinaryIO, limits: ReadLimits, *, unpack: bool = False) -> None:
    """Refuse (`FileRefused`) a zip with too many entries, too many bytes once unpacked, or an entry
    packed more tightly than `limits.ratio`. Reads only the zip's directory; with `unpack`, also
    inflates every entry as a stream (a MiB in memory at most) and counts the bytes that actually
    come out, since the directory's sizes are the packer's word, not a fact.

    A file that is not a valid zip passes: the parser reports it as damaged. Leaves `file` at 0.
    """
    check_entry_count(file, limits.entries)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            _check_declared(infos, limits)
            if unpack:
                _check_actual(archive, infos, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, OSError):
        pass
    finally:
        file.seek(0)


def check_entry_count(file: BinaryIO, entries: int = ARCHIVE_MAX_ENTRIES) -> None:
    """Refuse a zip whose end record announces more than `entries` entries, read from that record
    alone: `zipfile.ZipFile` would first build an object for every one of them. Leaves `file` at 0."""
    try:
        end = zipfile._EndRecData(file)  # noqa: SLF001 - the stdlib's own reader of the end record
    except (OSError, ValueError):
        end = None
    finally:
        file.seek(0)
    if end and end[zipfile._ECD_ENTRIES_TOTAL] > entries:  # noqa: SLF001
        raise FileRefused("entries", entries)


def _ratio_over(unpacked: int, packed: int, limits: ReadLimits) -> bool:
    return unpacked > ARCHIVE_RATIO_FROM and unpacked > limits.ratio * max(packed, 1)


def _check_declared(infos: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    if len(infos) > limits.entries:
        raise FileRefused("entries", limits.entries)
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.unpacked:
            raise FileRefused("unpacked", limits.unpacked)
        if _ratio_over(info.file_size, info.compress_size, limits):
            raise FileRefused("ratio", limits.ratio)


def _check_actual(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    total = 0
    for info in infos:
        size = 0
        for produced in _inflated(archive, info):
            size += produced
            total += produced
            if total > limits.unpacked:
                raise FileRefused("unpacked", limits.unpacked)
            if _ratio_over(size, info.compress_size, limits):
                raise FileRefused("ratio", limits.ratio)


def _inflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[int]:
    """The sizes of the pieces an entry inflates to, a MiB at most each. A deflated entry is
    inflated from its raw data, without stopping at the size the directory declares (`zipfile`
    stops there, another reader may not); other methods are read through `zipfile`."""
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) or archive.fp is None:
        with archive.open(info) as entry:
            while chunk := entry.read(_CHUNK):
                yield len(chunk)
        return
    raw = archive.fp
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0 and (chunk := raw.read(min(_CHUNK, left))):
        left -= len(chunk)
        if inflater is None:
            yield len(chunk)
            continue
        yield len(inflater.decompress(chunk, _CHUNK))
        while inflater.unconsumed_tail:
            yield len(inflater.decompress(inflater.unconsumed_tail, _CHUNK))


def refusal_message(refusal: FileRefused) -> str:
    """What to tell the uploader, in their language (run in the server: it uses Django)."""
    from django.utils.translation import gettext as _

    mib = 1024 * 1024
    if refusal.reason == "entries":
        return _(
            "This file holds more than %(n)s parts, too many to read safely. Save it again or split it, "
            "and upload it once more."
        ) % {"n": refusal.limit}
    if refusal.reason == "unpacked":
        return _(
            "This file would unpack to more than %(mb)s MB, too much to read safely. Remove large embedded "
            "objects (videos, very large images) or split it, and upload it again."
        ) % {"mb": refusal.limit // mib}
    if refusal.reason == "ratio":
        return _(
            "A part of this file unpacks to more than %(n)s times its packed size, as files built to exhaust "
            "a server do, so it is not read. Save it again from Word, PowerPoint, Excel or WPS and upload it once more."
        ) % {"n": refusal.limit}
    if refusal.reason == "text":
        return _("This file holds more than %(n)s characters of text, too much for one file. Split it.") % {
            "n": refusal.limit
        }
    if refusal.reason == "time":
        return _(
            "Reading this file took longer than %(s)s seconds, so it was stopped. Split it into smaller files, "
            "or save it again, and upload it once more."
        ) % {"s": refusal.limit}
    return _(
        "Reading this file needed more than %(mb)s MB of memory, so it was stopped. Split it into smaller "
        "files, or save it again, and upload it once more."
    ) % {"mb": refusal.limit // mib}


class ChildFailed(RuntimeError):
    """The reader in the child process failed with an error that is not a refusal or a `DomainError`."""


# --- reading in a child process -------------------------------------------------------------------

# A child's answer is a pickle of plain data; the server unpickles only these classes from it.
_SAFE_GLOBALS = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta")}
_PROGRESS = b"progress "
_CHILD = "from dangjian.core.files import _child_main; _child_main()"
_MEMORY_FLOOR = 256 * 1024 * 1024  # the interpreter and a parser's libraries alone map about this much


class _ResultUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")


def run_limited(
    target: str,
    file: BinaryIO,
    limits: ReadLimits,
    *,
    progress: Callable[[int, int], None] | None = None,
    **kwargs: Any,
) -> Any:
    """Call `target` ("package.module:function") as `function(path, report, limits, **kwargs)` in a
    child process and return what it returns (plain data: str, numbers, lists, dicts, dates).

    `path` is `file` on disk (its own path when it has one, else a temporary copy); `report(done,
    total)` passes progress back, to `progress`. The child's address space is limited to
    `limits.memory` and its CPU time to `limits.seconds`; the parent kills it after `limits.seconds`
    of wall-clock time too. Raises `FileRefused` ("memory", "time" or one raised in the child);
    a `DomainError` raised in the child comes back as the same class with its message translated;
    anything else as `ChildFailed`.
    """
    path = _path_of(file)
    if path is not None:
        return _run(target, path, limits, progress, kwargs)
    with tempfile.NamedTemporaryFile(prefix="dangjian-read-") as copy:
        file.seek(0)
        while chunk := file.read(_CHUNK):
            copy.write(chunk)
        copy.flush()
        file.seek(0)
        return _run(target, copy.name, limits, progress, kwargs)


def _path_of(file: BinaryIO) -> str | None:
    """The path of an upload Django spooled to disk, or of a stored file opened from local storage."""
    if hasattr(file, "temporary_file_path"):
        return file.temporary_file_path()
    inner = getattr(file, "file", file)
    name = getattr(inner, "name", None)
    if isinstance(name, str) and os.path.isabs(name) and os.path.isfile(name) and not isinstance(inner, io.BytesIO):
        return name
    return None


def _run(target: str, path: str, limits: ReadLimits, progress, kwargs: dict) -> Any:
    request = json.dumps(
        {"target": target, "path": path, "kwargs": kwargs, "limits": dataclasses.asdict(limits)}
    ).encode()
    # The server's own import path, however it was installed; nothing else of its environment.
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "PYTHONPATH": os.pathsep.join(filter(None, sys.path))}
    process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed code, no shell
        [sys.executable, "-s", "-B", "-c", _CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        out, err, timed_out = _collect(process, request, limits.seconds, progress)
    finally:
        _kill(process)
    if timed_out or process.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise FileRefused("time", limits.seconds)
    try:
        status, *payload = _ResultUnpickler(io.BytesIO(out)).load()
    except Exception:
        # No answer: the child died, most often because memory ran out inside a C library.
        raise FileRefused("memory", limits.memory) from RuntimeError(err[-2000:].decode(errors="replace"))
    if status == "ok":
        return payload[0]
    if status == "refused":
        raise FileRefused(*payload)
    if status == "domain":
        raise _domain_error(*payload)
    raise ChildFailed(f"{target} failed in its child process: {payload[0]}")


def _collect(process: subprocess.Popen, request: bytes, seconds: int, progress) -> tuple[bytes, bytes, bool]:
    """The child's stdout and stderr, passing progress lines on; stops at the deadline."""
    stdin, stdout, stderr = process.stdin, process.stdout, process.stderr
    if stdin is None or stdout is None or stderr is None:
        raise ChildFailed("the child process has no pipes")
    stdin.write(request)  # a few hundred bytes: fits the pipe's buffer
    stdin.close()
    deadline = time.monotonic() + seconds
    out, err, pending = [], bytearray(), b""
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        selector.register(stderr, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                return b"", bytes(err), True
            for key, _events in selector.select(left):
                data = os.read(key.fd, _CHUNK)
                if not data:
                    selector.unregister(key.fileobj)
                elif key.fileobj is stdout:
                    out.append(data)
                else:
                    pending += data
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        if line.startswith(_PROGRESS) and progress is not None:
                            done, total = map(int, line[len(_PROGRESS) :].split())
                            progress(done, total)
                        elif not line.startswith(_PROGRESS):
                            err += line[:1000] + b"\n"
                            del err[:-10_000]
    try:
        process.wait(max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        return b"", bytes(err), True
    return b"".join(out), bytes(err), False


def _kill(process: subprocess.Popen) -> None:
    """Ends the child and anything it started, then reaps it."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


def _domain_error(module: str, name: str, message: str):
    """The server's own instance of a `DomainError` the child raised: its message, an English msgid
    in the child (which runs without translations), translated here."""
    import importlib

    from django.utils.translation import gettext

    from dangjian.core.errors import DomainError

    cls = getattr(importlib.import_module(module), name, None)
    if not (isinstance(cls, type) and issubclass(cls, DomainError)):
        return ChildFailed(f"{module}.{name}: {message}")
    return cls(gettext(message))


class _MsgidTranslation(types.ModuleType):
    """Stands in for `django.utils.translation` in the child, where messages stay English msgids
    (the server translates them, `_domain_error`): importing the real one pulls in half of Django,
    which would double the time a child takes to start. Only the plain gettext functions exist."""

    @staticmethod
    def gettext(message: str) -> str:
        return message

    gettext_lazy = gettext_noop = gettext

    @staticmethod
    def ngettext(singular: str, plural: str, number: int) -> str:
        return singular if number == 1 else plural

    ngettext_lazy = ngettext

    @staticmethod
    def pgettext(context: str, message: str) -> str:
        return message

    pgettext_lazy = pgettext


def _child_main() -> None:
    """The child's side of `run_limited`: limits first, then the target, then one pickled answer."""
    request = json.loads(sys.stdin.buffer.read())
    limits = ReadLimits(**request["limits"])
    memory, seconds = max(limits.memory, _MEMORY_FLOOR), limits.seconds
    _lower(resource.RLIMIT_AS, memory, memory)
    _lower(resource.RLIMIT_CPU, seconds, seconds + 1)  # SIGXCPU at the soft limit, SIGKILL a second later
    _lower(resource.RLIMIT_CORE, 0, 0)
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answer

    def report(done: int, total: int) -> None:
        sys.stderr.buffer.write(b"%s%d %d\n" % (_PROGRESS, done, total))
        sys.stderr.buffer.flush()

    try:
        sys.modules.setdefault("django.utils.translation", _MsgidTranslation("django.utils.translation"))
        module_name, function_name = request["target"].split(":")
        module = __import__(module_name, fromlist=[function_name])
        answer: tuple = ("ok", getattr(module, function_name)(request["path"], report, limits, **request["kwargs"]))
    except FileRefused as exc:
        answer = ("refused", exc.reason, exc.limit)
    except MemoryError:
        answer = ("refused", "memory", memory)
    except Exception as exc:
        answer = _child_error(exc)
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("refused", "memory", memory))
    out.write(data)
    out.flush()


def _lower(which: int, soft: int, hard: int) -> None:
    """Set a limit of this process, never above the hard limit it already has (that would fail)."""
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(which, (soft, hard))


def _child_error(exc: Exception) -> tuple:
    from_domain = any(
        cls.__name__ == "DomainError" and cls.__module__ == "dangjian.core.errors" for cls in type(exc).__mro__
    )
    if from_domain:
        return ("domain", type(exc).__module__, type(exc).__qualname__, str(exc))
    return ("error", f"{type(exc).__name__}: {exc}")


# --- spreadsheets -----------------------------------------------------------------------------------


def workbook_rows(path: str, report, limits: ReadLimits, *, sheet: str = "") -> list[list]:
    """The cells of a workbook's sheet named `sheet` (else its first), as python-calamine reads them,
    keeping any empty area above and left of the data so that row numbers are Excel's. Run through
    `run_limited`, it inflates and counts the workbook's entries first."""
    from python_calamine import CalamineWorkbook

    with open(path, "rb") as file:
        check_archive(file, limits, unpack=True)
        book = CalamineWorkbook.from_filelike(file)
        found = book.get_sheet_by_name(sheet) if sheet in book.sheet_names else book.get_sheet_by_index(0)
        return found.to_python(skip_empty_area=False)


# --- images and PDFs ------------------------------------------------------------------------------


def image_extension(upload, allowed: frozenset[str] = frozenset(IMAGE_EXTENSIONS)) -> str | None:
    """The extension of an image whose Pillow format is in `allowed` and whose data Pillow verifies;
    None for anything else. Leaves the file at position 0."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        upload.seek(0)
    return IMAGE_EXTENSIONS[kind] if kind in allowed else None


def is_pdf(upload) -> bool:
    """Whether the file starts as a PDF does (its header may follow a little junk, as readers allow)."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    return b"%PDF-" in head
