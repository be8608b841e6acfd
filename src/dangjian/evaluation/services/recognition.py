"""Recognition (工作骨干, 业务能手, 先锋模范, 创新成果): recorded by an officer with its evidence."""

import datetime
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.errors import DomainError
from dangjian.core.files import image_extension, is_pdf
from dangjian.evaluation import rules
from dangjian.evaluation.models import Recognition
from dangjian.evaluation.services.common import check_manage
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation

PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


def evidence_extension(upload: UploadedFile) -> str:
    """The file's kind read from its content, not its name: a PDF or a photo; DomainError otherwise."""
    if (upload.size or 0) > rules.EVIDENCE_MAX_BYTES:
        raise DomainError(
            _("The evidence file may be at most %(mb)d MB.") % {"mb": rules.EVIDENCE_MAX_BYTES // (1024 * 1024)},
            field="evidence_file",
        )
    if is_pdf(upload):
        return "pdf"
    extension = image_extension(upload, PHOTO_FORMATS)
    if extension is None:
        raise DomainError(_("The evidence file must be a PDF or a photo (JPEG, PNG or WebP)."), field="evidence_file")
    return extension


@transaction.atomic(durable=True)
def recognition_create(
    *,
    actor: User,
    member: Member,
    kind: str,
    title: str,
    evidence: str,
    awarded_on: datetime.date,
    org: Organisation | None = None,
    evidence_file: UploadedFile | None = None,
    today: datetime.date | None = None,
) -> Recognition:
    """Record a recognition of `member` by `org` (the member's branch or organisation when not given)."""
    member_org = member.org
    if member_org is None:
        raise DomainError(_("The member no longer belongs to an organisation here."), field="member")
    org = org or member_org
    check_manage(actor, org)
    if not member_org.path.startswith(org.path):
        raise DomainError(_("The member does not belong to the recording organisation."), field="org")
    if kind not in rules.RecognitionKind.values:
        raise DomainError(_("Choose the kind of recognition."), field="kind")
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the recognition a title."), field="title")
    evidence = (evidence or "").strip()
    if not evidence:
        raise DomainError(_("Describe the evidence: what the member did and achieved."), field="evidence")
    if len(evidence) > rules.EVIDENCE_MAX_CHARS:
        raise DomainError(
            _("The evidence may be at most %(n)d characters.") % {"n": rules.EVIDENCE_MAX_CHARS}, field="evidence"
        )
    today = today or timezone.localdate()
    if not isinstance(awarded_on, datetime.date) or awarded_on > today:
        raise DomainError(_("The date cannot be in the future."), field="awarded_on")
    recognition = Recognition(
        member=member,
        org=org,
        kind=kind,
        title=title[:200],
        evidence=evidence,
        awarded_on=awarded_on,
        recorded_by=actor,
    )
    if evidence_file is not None:
        extension = evidence_extension(evidence_file)
        recognition.evidence_name = Path(getattr(evidence_file, "name", "") or "evidence").name[:255]
        recognition.evidence_file.save(f"recognition-{member.pk}.{extension}", evidence_file, save=False)
    recognition.save()
    audit.record(
        actor=actor,
        action="recognition.create",
        obj=recognition,
        org_path=member_org.path,
        changes=audit.snapshot(recognition, ["member", "org", "kind", "title", "awarded_on"])
        | {"evidence_file": bool(recognition.evidence_file)},
    )
    return recognition
