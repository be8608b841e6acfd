"""The study-materials library (学习资料): files and videos, their extracted pages, topics,
and members' reading (position and active reading sessions).

The full-text index is not a model: it lives in `library.search`, an FTS5 table on SQLite and
a tsvector with a GIN index on PostgreSQL, kept in step by the services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import TimeStampedModel
from dangjian.members.audience import Audience


class ContentArea(models.TextChoices):
    """The seven content areas of party-member education (教育管理条例 2019, Art.9–15)."""

    THEORY = "theory", _("Political theory (政治理论)")
    POLITICAL = "political", _("Political education and training (政治教育和政治训练)")
    RULES = "rules", _("Party Constitution, rules, discipline and the law (党章党规党纪和宪法法律)")
    PURPOSE = "purpose", _("Purpose education (宗旨教育)")
    TRADITION = "tradition", _("Revolutionary tradition (革命传统教育)")
    POLICY = "policy", _("Situation and policy (形势政策教育)")
    SKILLS = "skills", _("Knowledge and skills (知识技能教育)")


class MaterialKind(models.TextChoices):
    DOCX = "docx", _("Word document")
    PDF = "pdf", _("PDF")
    PPTX = "pptx", _("Slides")
    TXT = "txt", _("Plain text")
    MD = "md", _("Markdown")
    VIDEO = "video", _("Video")


class MaterialStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Extraction(models.TextChoices):
    """Where the text extraction of an uploaded file stands."""

    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Extracting")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Material(TimeStampedModel):
    """One study material. Visible to the members of `org`'s subtree who fall in `audience`."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    published_on = models.DateField(_("publish date"), null=True, blank=True)
    area = models.CharField(_("content area"), max_length=16, choices=ContentArea.choices)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="materials")
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    status = models.CharField(_("status"), max_length=16, choices=MaterialStatus.choices, default=MaterialStatus.DRAFT)
    kind = models.CharField(_("type"), max_length=8, choices=MaterialKind.choices)
    summary = models.TextField(_("summary"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # A file upload ...
    file = models.FileField(_("file"), upload_to="library/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("content hash"), max_length=64, null=True, blank=True, editable=False)
    downloadable = models.BooleanField(_("may be downloaded"), default=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    extraction = models.CharField(
        _("extraction"), max_length=16, choices=Extraction.choices, default=Extraction.PENDING
    )
    extraction_progress = models.PositiveSmallIntegerField(_("extraction progress (%)"), default=0)
    extraction_error = models.TextField(_("extraction error"), blank=True)
    # ... or a video (专题片), by link.
    video_url = models.URLField(_("video link"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"], condition=Q(sha256__isnull=False), name="library_material_sha256"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "area"], name="library_material_status_idx"),
            # What a reader may see (published, their organisations, their audience), answered from the
            # index alone: every search restricts its matches to it.
            models.Index(fields=["status", "org", "audience"], name="library_material_visible_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_video(self) -> bool:
        return self.kind == MaterialKind.VIDEO


class MaterialPage(models.Model):
    """One page of a material's extracted text: a PDF page, a slide, or a readable length of text."""

    material = models.ForeignKey(Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(_("page"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["material", "number"]
        constraints = [models.UniqueConstraint(fields=["material", "number"], name="library_page_unique_number")]

    def __str__(self) -> str:
        return f"{self.material} · {self.number}"


class Topic(TimeStampedModel):
    """A study topic (学习专题): materials an organisation groups for its members, with a guidance note."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="topics"
    )
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    materials = models.ManyToManyField(
        Material, verbose_name=_("materials"), through="TopicMaterial", related_name="topics", blank=True
    )

    class Meta:
        verbose_name = _("study topic")
        verbose_name_plural = _("study topics")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class TopicMaterial(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="entries")
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["topic", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["topic", "material"], name="library_topic_material_once")]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.material_id}"


class ReadingPosition(models.Model):
    """Where a member stopped reading a material, so the reader resumes there."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="reading_positions")
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="+")
    page = models.PositiveIntegerField(_("page"), default=1)
    font_size = models.PositiveSmallIntegerField(_("font size"), default=18)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "material"], name="library_position_once")]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.material_id} · {self.page}"


class ReadingSession(models.Model):
    """A stretch of active reading. Only time with the page visible and touched within the last
    minute counts (see `library.rules`); an idle open tab adds nothing."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="reading_sessions")
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="reading_sessions")
    day = models.DateField(_("date"))
    started_at = models.DateTimeField(_("started at"))
    last_beat_at = models.DateTimeField(_("last active at"))
    active_seconds = models.PositiveIntegerField(_("active seconds"), default=0)

    class Meta:
        verbose_name = _("reading session")
        verbose_name_plural = _("reading sessions")
        ordering = ["-started_at"]
        # Covering the ledger's grouped sum of active time per member and day.
        indexes = [models.Index(fields=["member", "day", "active_seconds"], name="library_session_member_day")]

    def __str__(self) -> str:
        return f"{self.member} · {self.material} · {self.day}"
