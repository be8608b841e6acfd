"""Announcements for tests, published as the system actor."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangjian.accounts.system import system_actor
from dangjian.notices.models import Announcement
from dangjian.notices.services import announcement_create


def announce(org, title="关于召开支部党员大会的通知", **fields) -> Announcement:
    fields.setdefault("body", "请各位党员准时参加。")
    return announcement_create(actor=fields.pop("actor", None) or system_actor(), org=org, title=title, **fields)


def png(name="会场.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="议程.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )
