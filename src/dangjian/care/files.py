"""Attachments to needs: what a file is, judged by its content (never by its name), and the limits."""

import zipfile
from typing import BinaryIO

MAX_ATTACHMENTS = 5  # per need
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # a phone photo or a scanned certificate fits easily
HEAD_SIZE = 8 * 1024

# kind → (extension, content type)
KINDS = {
    "pdf": (".pdf", "application/pdf"),
    "png": (".png", "image/png"),
    "jpeg": (".jpg", "image/jpeg"),
    "gif": (".gif", "image/gif"),
    "webp": (".webp", "image/webp"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "txt": (".txt", "text/plain; charset=utf-8"),
}
ZIP_FOLDERS = {"word": "docx", "xl": "xlsx", "ppt": "pptx"}


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for cut in range(4):  # the head may end inside a multi-byte character
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        # Binary formats start with control bytes that text never holds (an executable's "\x7fELF").
        return not any((ord(ch) < 32 and ch not in "\t\n\r\x0c") or ord(ch) == 127 for ch in text)
    return False


def sniff(file: BinaryIO) -> str | None:
    """The kind of an uploaded file (a key of `KINDS`), or None when it is none we accept.

    Reads the head, and for a zip its directory; leaves the file at position 0.
    """
    try:
        file.seek(0)
        head = file.read(HEAD_SIZE)
        if not head:
            return None
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if head.startswith((b"GIF87a", b"GIF89a")):
            return "gif"
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return "webp"
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            try:
                with zipfile.ZipFile(file) as archive:
                    folders = {name.split("/", 1)[0] for name in archive.namelist() if "/" in name}
            except (zipfile.BadZipFile, EOFError, ValueError):
                return None
            return next((kind for folder, kind in ZIP_FOLDERS.items() if folder in folders), None)
        if _looks_like_text(head):
            return "txt"
        return None
    finally:
        file.seek(0)
