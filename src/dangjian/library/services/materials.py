"""Study materials: upload, extraction into pages, metadata, publishing, and the search index.

An upload is checked before anything is stored: the type by content, the size, a duplicate by
content hash, and — for files small enough to read at once — the whole extraction, so a broken,
encrypted, empty or text-less file is refused with its reason and leaves nothing behind. A large
file (a 300-page PDF) is stored and read in the background (`library.tasks`), its progress shown
on its page; should that extraction fail, the material stays a draft marked "failed" with the
reason, and may be deleted.
"""

import datetime
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.core import audit
from dangjian.core.errors import Conflict, DomainError, Forbidden
from dangjian.core.unset import UNSET, Unset, given
from dangjian.library import extraction, search, tasks
from dangjian.library.models import (
    ContentArea,
    Extraction,
    Material,
    MaterialKind,
    MaterialPage,
    MaterialStatus,
    Tag,
)
from dangjian.library.selectors.materials import MANAGE_PERM
from dangjian.members.audience import Audience
from dangjian.orgs.models import Organisation

logger = logging.getLogger(__name__)

# Files up to this size are read while the uploader waits; larger ones in the background.
READ_AT_ONCE_BYTES = 4 * 1024 * 1024
KEYWORDS_MIN, KEYWORDS_MAX = 5, 10
METADATA_FIELDS = [
    "title",
    "source",
    "published_on",
    "area",
    "audience",
    "summary",
    "keywords",
    "downloadable",
    "video_url",
    "duration_minutes",
]
MAX_TAGS = 10


def _check(actor: User, org: Organisation) -> None:
    if not scope_for(actor).allows(MANAGE_PERM, org.path):
        raise Forbidden()


def _sha256(file: IO[bytes] | File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _check_choices(material: Material) -> None:
    if not material.title.strip():
        raise DomainError(_("Give the material a title."), field="title")
    if material.area not in ContentArea.values:
        raise DomainError(_("Choose a content area."), field="area")
    if material.audience not in Audience.values:
        raise DomainError(_("Choose an audience."), field="audience")


def _clean_keywords(keywords: Iterable[object] | None) -> list[str]:
    seen: list[str] = []
    for word in keywords or []:
        word = str(word).strip()
        if word and word not in seen:
            seen.append(word[:32])
    if len(seen) > KEYWORDS_MAX:
        raise DomainError(_("Give at most %(n)s keywords.") % {"n": KEYWORDS_MAX}, field="keywords")
    return seen


def _tag_names(names: Iterable[object] | None) -> list[str]:
    names = sorted({str(name).strip()[:32] for name in names or [] if str(name).strip()})
    if len(names) > MAX_TAGS:
        raise DomainError(_("Give at most %(n)s tags.") % {"n": MAX_TAGS}, field="tags")
    return names


def _set_tags(material: Material, names: list[str]) -> list[str]:
    tags = [Tag.objects.get_or_create(name=name)[0] for name in names]
    material.tags.set(tags)
    return names


def _text_of(material: Material) -> str:
    return "\n\n".join(material.pages.order_by("number").values_list("text", flat=True))


def _reindex(material: Material, text: str | None = None) -> None:
    if text is None:
        text = _text_of(material) if not material.is_video else material.summary
    search.index_material(
        material.pk, title=material.title, keywords=list(material.keywords), text=text, summary=material.summary
    )


@dataclass
class _Proposal:
    """What an extraction gives a material, worked out before the transaction that stores it: the
    pages, the proposed summary and keywords, and the segmented index values (slow for a long text)."""

    pages: list[str]
    title: str
    summary: str
    keywords: list[str]
    index: search.PreparedEntry


def _propose(material: Material, result: extraction.Extracted) -> _Proposal:
    """A title, summary and keywords for the fields still empty, and the index values. Reads only."""
    text = "\n\n".join(result.pages)
    title = material.title if material.title.strip() else (result.title or Path(material.original_name).stem)[:200]
    summary = material.summary or search.summarize(text)
    keywords = list(material.keywords) or search.suggest_keywords(
        text, document_frequency=search.document_frequency, documents=search.document_count(), limit=KEYWORDS_MAX
    )
    index = search.prepare_entry(title=title, keywords=keywords, text=text, summary=summary)
    return _Proposal(pages=result.pages, title=title, summary=summary, keywords=keywords, index=index)


def _store_pages(material: Material, proposal: _Proposal) -> None:
    """Replace the material's pages with the extracted ones, fill its summary and keywords, index it."""
    material.pages.all().delete()
    MaterialPage.objects.bulk_create(
        [MaterialPage(material=material, number=i, text=text) for i, text in enumerate(proposal.pages, start=1)],
        batch_size=500,
    )
    material.page_count = len(proposal.pages)
    material.title = material.title if material.title.strip() else proposal.title
    material.summary = material.summary or proposal.summary
    material.keywords = material.keywords or proposal.keywords
    material.extraction = Extraction.READY
    material.extraction_progress = 100
    material.extraction_error = ""
    material.save()
    if (material.title, material.summary, list(material.keywords)) == (
        proposal.title,
        proposal.summary,
        proposal.keywords,
    ):
        search.index_prepared(material.pk, proposal.index)
    else:  # edited while the file was read in the background: segment again, rarely
        _reindex(material, "\n\n".join(proposal.pages))


def _twin_check(digest: str) -> None:
    twin = Material.objects.filter(sha256=digest).select_related("org").first()
    if twin is not None:
        raise Conflict(
            _("This file is already in the library as “%(title)s” (%(org)s).")
            % {"title": twin.title, "org": twin.org.name},
            field="file",
        )


def material_upload(
    *,
    actor: User,
    org: Organisation,
    file: UploadedFile,
    title: str = "",
    area: str = ContentArea.THEORY,
    audience: str = Audience.ALL,
    source: str = "",
    published_on: datetime.date | None = None,
    downloadable: bool = True,
    tags: Iterable[str] = (),
) -> Material:
    """Store an uploaded file as a draft material of `org`, its text read at once or in the background.

    The file is checked, hashed, read (in a child process, within limits) and stored before the
    transaction that writes the rows, so no write lock is held while that work goes on; should the
    transaction fail, the stored file is deleted again.
    """
    _check(actor, org)
    name = Path(getattr(file, "name", "") or "upload").name
    limit = settings.DANGJIAN_LIBRARY_MAX_BYTES
    size = file.size or 0
    stream = cast(BinaryIO, file)  # an uploaded file reads like a binary file
    if size > limit:
        raise DomainError(
            _("The file is larger than %(mb)s MB. Split it or reduce its size (e.g. compress the images).")
            % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    try:
        kind = extraction.sniff(stream, name)
        extraction.check_package(stream)  # a zip bomb is refused now, however large: not stored to fail later
    except extraction.ExtractionFailed as exc:
        exc.field = "file"
        raise
    digest = _sha256(file)
    _twin_check(digest)
    material = Material(
        org=org,
        kind=kind,
        title=title.strip()[:200],
        area=area,
        audience=audience,
        source=source.strip()[:200],
        published_on=published_on,
        downloadable=downloadable,
        original_name=name[:255],
        size=size,
        sha256=digest,
        uploaded_by=actor,
    )
    result = None
    if size <= READ_AT_ONCE_BYTES:
        try:
            # refuses a broken, encrypted, empty or too demanding file: nothing stored yet
            result = extraction.extract_limited(stream, kind)
        except extraction.ExtractionFailed as exc:
            exc.field = "file"
            raise
        file.seek(0)
    if not material.title:
        material.title = ((result.title if result else "") or Path(name).stem)[:200]
    _check_choices(material)
    tag_names = _tag_names(tags)
    proposal = _propose(material, result) if result is not None else None
    material.file.save(name, file, save=False)  # every check has passed: nothing below refuses the upload
    try:
        _upload_rows(actor=actor, material=material, proposal=proposal, tag_names=tag_names)
    except BaseException:
        material.file.storage.delete(material.file.name or "")
        raise
    return material


@transaction.atomic(durable=True)
def _upload_rows(*, actor: User, material: Material, proposal: _Proposal | None, tag_names: list[str]) -> None:
    _twin_check(material.sha256 or "")  # again, now that no other upload can commit meanwhile
    material.save()
    if proposal is not None:
        _store_pages(material, proposal)
    else:
        transaction.on_commit(lambda: tasks.extract_material.enqueue(material.pk))
    _set_tags(material, tag_names)
    audit.record(
        actor=actor,
        action="material.upload",
        obj=material,
        org_path=material.org.path,
        changes={"title": material.title, "kind": material.kind, "size": material.size, "file": material.original_name},
    )


def material_extract(material_id: int) -> Material | None:
    """Read a stored file into pages (the background step of a large upload), reporting progress.

    The reading, the proposals and the segmenting happen outside any transaction; the pages are
    then written in a short one.
    """
    material = Material.objects.filter(pk=material_id).first()
    if material is None or material.is_video:
        return None
    material_pk = material.pk
    Material.objects.filter(pk=material_pk).update(extraction=Extraction.RUNNING, extraction_progress=0)
    last = {"percent": 0}

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // max(total, 1))
        if percent >= last["percent"] + 5:
            last["percent"] = percent
            Material.objects.filter(pk=material_pk).update(extraction_progress=percent)

    try:
        with material.file.open("rb") as file:
            result = extraction.extract_limited(cast(BinaryIO, file), material.kind, progress=progress)
        proposal = _propose(material, result)
    except extraction.ExtractionFailed as exc:
        Material.objects.filter(pk=material.pk).update(
            extraction=Extraction.FAILED, extraction_error=exc.message, extraction_progress=0
        )
        return material
    except Exception:
        logger.exception("extracting material %s failed", material.pk)
        Material.objects.filter(pk=material.pk).update(
            extraction=Extraction.FAILED, extraction_error=_("The text of this file could not be read.")
        )
        return material
    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        _store_pages(material, proposal)
    return material


@transaction.atomic(durable=True)
def material_video_create(
    *,
    actor: User,
    org: Organisation,
    title: str,
    video_url: str,
    duration_minutes: int,
    summary: str = "",
    area: str = ContentArea.THEORY,
    audience: str = Audience.ALL,
    source: str = "",
    published_on: datetime.date | None = None,
    tags: Iterable[str] = (),
) -> Material:
    """A film (专题片) as an entry with its link, length and description."""
    _check(actor, org)
    if not video_url.strip():
        raise DomainError(_("Give the video's link."), field="video_url")
    if duration_minutes <= 0:
        raise DomainError(_("Give the video's length in minutes."), field="duration_minutes")
    material = Material(
        org=org,
        kind=MaterialKind.VIDEO,
        title=title.strip()[:200],
        video_url=video_url.strip(),
        duration_minutes=duration_minutes,
        summary=summary.strip(),
        area=area,
        audience=audience,
        source=source.strip()[:200],
        published_on=published_on,
        extraction=Extraction.READY,
        extraction_progress=100,
        downloadable=False,
        uploaded_by=actor,
    )
    _check_choices(material)
    tag_names = _tag_names(tags)
    material.keywords = search.suggest_keywords(
        f"{material.title}\n{material.summary}",
        document_frequency=search.document_frequency,
        documents=search.document_count(),
    )
    material.save()
    _set_tags(material, tag_names)
    _reindex(material)
    audit.record(
        actor=actor,
        action="material.video_create",
        obj=material,
        org_path=org.path,
        changes=audit.snapshot(material, METADATA_FIELDS),
    )
    return material


def material_update(
    *,
    actor: User,
    material: Material,
    tags: Iterable[str] | None = None,
    title: str | Unset = UNSET,
    source: str | Unset = UNSET,
    published_on: datetime.date | None | Unset = UNSET,
    area: str | Unset = UNSET,
    audience: str | Unset = UNSET,
    summary: str | Unset = UNSET,
    keywords: Iterable[str] | Unset = UNSET,
    downloadable: bool | Unset = UNSET,
    video_url: str | Unset = UNSET,
    duration_minutes: int | Unset = UNSET,
) -> Material:
    """Change a material's metadata (title, source, date, area, audience, summary, keywords, …).

    A document's index values are segmented first, with the new title, summary and keywords, so
    that the transaction does not wait for a long text to be segmented."""
    fields = given(
        title=title,
        source=source,
        published_on=published_on,
        area=area,
        audience=audience,
        summary=summary,
        keywords=keywords,
        downloadable=downloadable,
        video_url=video_url,
        duration_minutes=duration_minutes,
    )
    _check(actor, material.org)
    index = None
    if material.extraction == Extraction.READY and not material.is_video:
        title = str(fields.get("title", material.title)).strip()
        summary = str(fields.get("summary", material.summary)).strip()
        keywords = _clean_keywords(fields["keywords"]) if "keywords" in fields else list(material.keywords)
        prepared = search.prepare_entry(title=title, keywords=keywords, text=_text_of(material), summary=summary)
        index = (title, summary, keywords, prepared)
    return _material_update(actor=actor, material=material, tags=tags, index=index, fields=fields)


@transaction.atomic(durable=True)
def _material_update(
    *, actor: User, material: Material, tags: Iterable[str] | None, index: tuple | None, fields: dict[str, Any]
) -> Material:
    before = audit.snapshot(material, METADATA_FIELDS) | {"tags": sorted(material.tags.values_list("name", flat=True))}
    for name, value in fields.items():
        if name == "keywords":
            value = _clean_keywords(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(material, name, value)
    if material.is_video and material.duration_minutes <= 0:
        raise DomainError(_("Give the video's length in minutes."), field="duration_minutes")
    _check_choices(material)
    new_tags = _tag_names(tags) if tags is not None else None
    material.save()
    after_tags = _set_tags(material, new_tags) if new_tags is not None else before["tags"]
    changes = audit.diff(before, audit.snapshot(material, METADATA_FIELDS) | {"tags": after_tags})
    if changes:
        if index is not None and index[:3] == (material.title, material.summary, list(material.keywords)):
            search.index_prepared(material.pk, index[3])
        elif material.extraction == Extraction.READY:
            _reindex(material)
        audit.record(actor=actor, action="material.update", obj=material, org_path=material.org.path, changes=changes)
    return material


@transaction.atomic(durable=True)
def material_publish(*, actor: User, material: Material) -> Material:
    """Make a material visible to its audience. Its text must be ready and it needs 5–10 keywords."""
    _check(actor, material.org)
    if material.extraction != Extraction.READY:
        raise DomainError(_("The material can be published once its text is ready."))
    if not KEYWORDS_MIN <= len(material.keywords) <= KEYWORDS_MAX:
        raise DomainError(
            _("Give %(min)s to %(max)s keywords before publishing.") % {"min": KEYWORDS_MIN, "max": KEYWORDS_MAX},
            field="keywords",
        )
    previous = material.status
    material.status = MaterialStatus.PUBLISHED
    material.published_at = material.published_at or timezone.now()
    if material.published_on is None:
        material.published_on = timezone.localdate()
    material.save(update_fields=["status", "published_at", "published_on", "updated_at"])
    audit.record(
        actor=actor,
        action="material.publish",
        obj=material,
        org_path=material.org.path,
        changes={"status": [previous, material.status]},
    )
    return material


@transaction.atomic(durable=True)
def material_withdraw(*, actor: User, material: Material, reason: str = "") -> Material:
    """Take a published material out of members' sight (it stays in the library for its managers)."""
    _check(actor, material.org)
    if material.status != MaterialStatus.PUBLISHED:
        raise DomainError(_("Only a published material can be withdrawn."))
    material.status = MaterialStatus.WITHDRAWN
    material.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="material.withdraw",
        obj=material,
        org_path=material.org.path,
        changes={"status": [MaterialStatus.PUBLISHED, MaterialStatus.WITHDRAWN], "reason": reason.strip()},
    )
    return material


@transaction.atomic(durable=True)
def material_delete(*, actor: User, material: Material) -> None:
    """Delete a material that was never published (a draft, or a failed upload)."""
    _check(actor, material.org)
    if material.published_at is not None:
        raise DomainError(_("A material that has been published can be withdrawn, not deleted."))
    name, pk, path = material.file.name, material.pk, material.org.path
    storage = material.file.storage
    search.remove_material(pk)
    audit.record(actor=actor, action="material.delete", obj=material, org_path=path, changes={"title": material.title})
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
