"""Where uploaded files are stored: Django's file-system storage, with names a file system takes."""

from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage

# A file system takes 255 bytes per name; room is left for the suffix Django adds to a taken name
# ("_" and seven characters). A Chinese character is three bytes in UTF-8, some are four.
MAX_NAME_BYTES = 200
MAX_EXTENSION_BYTES = 16


def shorten_name(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """`name` cut at the end of its stem until it fits in `limit` bytes, keeping its extension."""
    suffix = PurePosixPath(name).suffix
    if len(suffix.encode()) > MAX_EXTENSION_BYTES:
        suffix = ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    while stem and len((stem + suffix).encode()) > limit:
        stem = stem[:-1]
    return (stem or "file") + suffix


class DataFolderStorage(FileSystemStorage):
    """Uploads under MEDIA_ROOT; an over-long original name is shortened instead of failing the upload."""

    def get_valid_name(self, name: str) -> str:
        return shorten_name(super().get_valid_name(name))
