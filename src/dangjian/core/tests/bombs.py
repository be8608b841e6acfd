"""Zip bombs for tests, built at test time: a highly compressible part is small on disk."""

import io
import struct
import zipfile

MIB = 1024 * 1024


def package_with(
    base: bytes, replace: dict[str, object] | None = None, add: dict[str, object] | None = None, *, level: int = 6
) -> bytes:
    """`base` (a .docx, .pptx or .xlsx) with parts replaced or added; a part given as (chunk, size)
    is written as a stream of `chunk` repeated to `size` bytes, never held whole in memory. `level`
    1 deflates four times faster than the default, for a package four times larger."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(base))
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info, source.read(info))
        for name, content in {**replace, **add}.items():
            if isinstance(content, bytes):
                target.writestr(name, content)
                continue
            chunk, size = content
            with target.open(name, "w") as part:
                for _ in range(size // len(chunk)):
                    part.write(chunk)
    return out.getvalue()


def lying_about(package: bytes, name: str, declared: int) -> bytes:
    """The package with part `name` declaring `declared` bytes unpacked, in its local header and
    in the directory, whatever it really inflates to."""
    data = bytearray(package)
    encoded = name.encode()
    # (signature, offset of the unpacked size, of the name's length, of the name) in a local header
    # and in a directory entry
    for signature, size_at, length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = data.find(signature)
        while at != -1:
            (length,) = struct.unpack("<H", data[at + length_at : at + length_at + 2])
            if data[at + name_at : at + name_at + length] == encoded:
                data[at + size_at : at + size_at + 4] = struct.pack("<I", declared)
            at = data.find(signature, at + 4)
    return bytes(data)
