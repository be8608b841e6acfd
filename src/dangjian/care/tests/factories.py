"""Helpers for the care tests: needs raised through the services, on the shared `college`."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.care import services
from dangjian.care.models import Need, NeedVisibility

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def raise_need(
    member,
    *,
    visibility: str = NeedVisibility.SECRETARY,
    title: str = "孩子入学咨询",
    uploads=(),
    today: datetime.date | None = None,
) -> Need:
    need = services.need_submit(
        actor=member.user,
        category="life",
        title=title,
        description="孩子明年上小学，想了解学校附属小学的入学政策。",
        visibility=visibility,
        uploads=uploads,
        today=today,
    )
    need.refresh_from_db()
    return need


def fresh(need: Need) -> Need:
    return Need.objects.select_related("org", "member", "handler").get(pk=need.pk)
