"""Reading uploaded files safely: the zip checks and the child process under limits."""

import datetime
import io
import struct
import time
import zipfile

import pytest
from django.utils import translation

from dangjian.core.files import (
    ChildFailed,
    FileRefused,
    ReadLimits,
    check_archive,
    check_entry_count,
    refusal_message,
    run_limited,
)
from dangjian.library.extraction import EmptyFile

MIB = 1024 * 1024
LIMITS = ReadLimits(unpacked=64 * MIB, memory=512 * MIB, seconds=20)


def zip_of(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def lying_zip(real: bytes, declared: int) -> io.BytesIO:
    """A zip whose one entry's directory (and local header) declares `declared` bytes unpacked,
    while its data inflates to all of `real`."""
    data = bytearray(zip_of({"xl/worksheets/sheet1.xml": real}).getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        data[at + offset : at + offset + 4] = struct.pack("<I", declared)
    return io.BytesIO(bytes(data))


def refusal(call) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        call()
    return caught.value


# --- archives -------------------------------------------------------------------------------------


def test_an_ordinary_package_passes_both_checks():
    package = zip_of({"word/document.xml": b"<w:p>" * 20_000, "word/media/image1.png": bytes(range(256)) * 400})
    check_archive(package, LIMITS)
    check_archive(package, LIMITS, unpack=True)
    assert package.tell() == 0


def test_too_many_entries_are_refused_from_the_end_record_alone():
    package = zip_of({f"ppt/slides/slide{i}.xml": b"" for i in range(30)}, zipfile.ZIP_STORED)
    assert refusal(lambda: check_entry_count(package, 20)).reason == "entries"
    assert (
        refusal(lambda: check_archive(package, ReadLimits(unpacked=MIB, memory=0, seconds=1, entries=20))).limit == 20
    )


def test_declared_sizes_over_the_limit_are_refused_without_inflating():
    package = zip_of({"word/document.xml": b"a" * (2 * MIB), "word/styles.xml": b"b" * (2 * MIB)})
    small = ReadLimits(unpacked=3 * MIB, memory=0, seconds=1, ratio=10_000)
    assert refusal(lambda: check_archive(package, small)).reason == "unpacked"


def test_a_part_packed_too_tightly_is_refused():
    package = zip_of({"word/media/image1.png": bytes(8 * MIB)})
    assert refusal(lambda: check_archive(package, LIMITS)).reason == "ratio"
    # Small parts may pack as tightly as they like.
    check_archive(zip_of({"word/settings.xml": bytes(MIB // 2)}), LIMITS)


def test_sizes_that_lie_are_caught_by_inflating():
    package = lying_zip(b"<row/>" * (4 * MIB), declared=1000)
    check_archive(package, LIMITS)  # the directory's word
    assert refusal(lambda: check_archive(package, LIMITS, unpack=True)).reason == "ratio"
    loose = ReadLimits(unpacked=2 * MIB, memory=0, seconds=1, ratio=10_000)
    assert refusal(lambda: check_archive(package, loose, unpack=True)).reason == "unpacked"


def test_something_that_is_not_a_zip_is_left_to_the_parser():
    check_archive(io.BytesIO(b"%PDF-1.7 not a zip"), LIMITS, unpack=True)


def test_refusals_are_told_in_chinese():
    with translation.override("zh-hans"):
        for reason, limit in [("entries", 10_000), ("unpacked", 256 * MIB), ("ratio", 100), ("text", 9), ("time", 60)]:
            message = refusal_message(FileRefused(reason, limit))
            assert str(limit // MIB if reason == "unpacked" else limit) in message
            assert any("\u4e00" <= char <= "\u9fff" for char in message), message
        assert "1024" in refusal_message(FileRefused("memory", 1024 * MIB))


# --- the child process ----------------------------------------------------------------------------


def test_the_child_returns_plain_data_and_starts_without_django():
    seen = []
    answer = run_limited(
        "dangjian.core.tests.children:echo", io.BytesIO(b"12345"), LIMITS, progress=seen.append, kind="docx"
    )
    assert answer == {
        "size": 5,
        "kwargs": {"kind": "docx"},
        "limits": [512 * MIB, 20],
        "date": datetime.date(2026, 7, 1),
        "django": [],  # neither settings nor the ORM: a cheap start
    }


def test_a_file_on_disk_is_read_where_it_is(tmp_path):
    path = tmp_path / "upload.bin"
    path.write_bytes(b"x" * 100)
    with path.open("rb") as file:
        assert run_limited("dangjian.core.tests.children:echo", file, LIMITS)["size"] == 100


def test_a_reader_that_runs_out_of_cpu_time_is_stopped():
    started = time.monotonic()
    progress = []
    limits = ReadLimits(unpacked=MIB, memory=512 * MIB, seconds=1)
    found = refusal(
        lambda: run_limited(
            "dangjian.core.tests.children:spin", io.BytesIO(b"x"), limits, progress=lambda *a: progress.append(a)
        )
    )
    assert (found.reason, found.limit) == ("time", 1)
    assert progress == [(1, 2)]
    assert time.monotonic() - started < 10


def test_a_reader_that_waits_is_stopped_by_the_wall_clock():
    started = time.monotonic()
    limits = ReadLimits(unpacked=MIB, memory=512 * MIB, seconds=1)
    assert refusal(lambda: run_limited("dangjian.core.tests.children:sleep", io.BytesIO(b"x"), limits)).reason == "time"
    assert time.monotonic() - started < 10


def test_a_reader_that_runs_out_of_memory_is_stopped():
    limits = ReadLimits(unpacked=MIB, memory=300 * MIB, seconds=20)
    found = refusal(lambda: run_limited("dangjian.core.tests.children:hog", io.BytesIO(b"x"), limits))
    assert (found.reason, found.limit) == ("memory", 300 * MIB)


def test_a_domain_error_comes_back_translated():
    with translation.override("zh-hans"), pytest.raises(EmptyFile) as caught:
        run_limited("dangjian.core.tests.children:refuse_empty", io.BytesIO(b"x"), LIMITS)
    assert caught.value.message == str(EmptyFile.default_message)
    assert caught.value.message != "The file is empty."


def test_any_other_error_is_a_child_failure():
    with pytest.raises(ChildFailed, match="KeyError"):
        run_limited("dangjian.core.tests.children:broken", io.BytesIO(b"x"), LIMITS)
