"""What an uploaded file is, read from its content, never from its name or the browser's word for it."""

from PIL import Image, UnidentifiedImageError

# Pillow's format name → the extension a stored file gets
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def image_extension(upload, allowed: frozenset[str] = frozenset(IMAGE_EXTENSIONS)) -> str | None:
    """The extension of an image whose Pillow format is in `allowed` and whose data Pillow verifies;
    None for anything else. Leaves the file at position 0."""
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
