"""Put the demo library into the demo college through the library's own services, with a year of
members' reading behind their ledgers. Idempotent: nothing happens when the demo committee's
organisations already own materials."""

import datetime
import random
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.demo.library.build import DemoMaterial, material_files
from dangjian.demo.library.history import reading_sessions
from dangjian.demo.plan import DEMO_COMMITTEE_CODE
from dangjian.library.models import Material, MaterialStatus, ReadingPosition, ReadingSession
from dangjian.library.selectors.materials import audiences_of
from dangjian.library.services import materials as services
from dangjian.members.models import Member
from dangjian.orgs.models import OfficerTerm, Organisation
from dangjian.orgs.rules import ancestor_paths

# Tests build a few materials only (rendering the PDFs takes seconds); None means all of them.
MATERIAL_LIMIT: int | None = None


@dataclass
class LibraryDemoResult:
    built: bool = False
    materials: int = 0
    sessions: int = 0


def _store(spec: DemoMaterial, org: Organisation) -> Material:
    actor = system_actor()
    common = {
        "actor": actor,
        "org": org,
        "area": spec.area,
        "audience": spec.audience,
        "source": spec.source,
        "published_on": spec.published_on,
        "tags": list(spec.tags),
    }
    if spec.data is None:
        material = services.material_video_create(
            title=spec.title,
            video_url=spec.video_url,
            duration_minutes=spec.duration_minutes,
            summary=spec.summary,
            **common,
        )
    else:
        upload = SimpleUploadedFile(spec.filename, spec.data)
        material = services.material_upload(file=upload, title=spec.title, downloadable=spec.downloadable, **common)
    # The demo's own keywords first, topped up with the proposed ones.
    keywords = [*spec.keywords, *(k for k in material.keywords if k not in spec.keywords)][: services.KEYWORDS_MAX]
    material = services.material_update(actor=actor, material=material, summary=spec.summary, keywords=keywords)
    if spec.status != MaterialStatus.DRAFT:
        services.material_publish(actor=actor, material=material)
        published_at = timezone.make_aware(datetime.datetime.combine(spec.published_on, datetime.time(9)))
        Material.objects.filter(pk=material.pk).update(published_at=published_at)
    if spec.status == MaterialStatus.WITHDRAWN:
        services.material_withdraw(actor=actor, material=material, reason="内容已更新，请学习新版")
    return material


def _visible_to(member: Member, materials: list[Material], officers: set[int]) -> list[Material]:
    paths = set(ancestor_paths(member.org.path))
    audiences = set(audiences_of(member, is_officer=member.pk in officers))
    return [m for m in materials if m.org.path in paths and m.audience in audiences]


def library_demo_ensure(*, seed: int = 1, today: datetime.date | None = None) -> LibraryDemoResult:
    committee = Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).first()
    if committee is None or Material.objects.filter(org__path__startswith=committee.path).exists():
        return LibraryDemoResult()
    today = today or timezone.localdate()
    orgs = {o.name: o for o in Organisation.objects.filter(path__startswith=committee.path)}
    specs = material_files(today)
    if MATERIAL_LIMIT is not None:
        by_kind: dict[str, DemoMaterial] = {}
        # One of each kind first (a starter before the others of its kind), then the rest in order.
        for spec in sorted(specs, key=lambda spec: not spec.starter):
            by_kind.setdefault(spec.kind, spec)
        specs = [*by_kind.values(), *(s for s in specs if s not in by_kind.values())][:MATERIAL_LIMIT]
    stored = [_store(spec, orgs.get(spec.owner, committee)) for spec in specs]
    # A year of reading, by the members who may see each material.
    published = [
        m
        for m in Material.objects.filter(pk__in=[m.pk for m in stored]).select_related("org")
        if m.status == MaterialStatus.PUBLISHED
    ]
    members = list(Member.objects.current().filter(org__path__startswith=committee.path).select_related("org"))
    officers = set(OfficerTerm.objects.current(today).values_list("member_id", flat=True))
    rows = reading_sessions(
        members, lambda member: _visible_to(member, published, officers), today=today, rng=random.Random(seed)
    )
    ReadingSession.objects.bulk_create([ReadingSession(**row) for row in rows], batch_size=2000)
    pages = {m.pk: max(m.page_count, 1) for m in published}
    last = (
        ReadingSession.objects.filter(material__in=published)
        .values("member_id", "material_id")
        .annotate(at=Max("last_beat_at"))
    )
    rng = random.Random(seed + 1)
    ReadingPosition.objects.bulk_create(
        [
            ReadingPosition(
                member_id=row["member_id"],
                material_id=row["material_id"],
                page=rng.randint(1, pages[row["material_id"]]),
            )
            for row in last
        ],
        batch_size=2000,
    )
    return LibraryDemoResult(built=True, materials=len(stored), sessions=len(rows))
