"""The shape of one demo study material, as written by hand in `texts/`.

Bodies of text materials use a light line markup shared by every format: each non-empty line
is a block; `## ` starts a section heading, `### ` a subheading, `- ` a bullet point, anything
else a paragraph.
Indentation inside the triple-quoted strings is ignored.
"""

import datetime
from dataclasses import dataclass

from dangjian.library.models import ContentArea, MaterialKind, MaterialStatus
from dangjian.members.audience import Audience

COMMITTEE = "committee"  # `owner` of materials the college's Party committee publishes


@dataclass(frozen=True)
class MaterialSpec:
    title: str
    source: str
    area: ContentArea
    kind: MaterialKind
    summary: str  # for a video: its description
    keywords: tuple[str, ...]
    tags: tuple[str, ...]
    # Days before the demo's "today" it was published; None for a draft (not published yet)
    # and for a seasonal material, published on `season` (month, day) before "today", the
    # latest such day or `years_ago` years earlier.
    days_ago: int | None
    audience: Audience = Audience.ALL
    status: MaterialStatus = MaterialStatus.PUBLISHED
    downloadable: bool = True
    # COMMITTEE or the name of the demo branch that published it.
    owner: str = COMMITTEE
    body: str = ""  # docx, txt, md
    pages: tuple[str, ...] = ()  # pdf: one string (in the body markup) per page
    slides: tuple[tuple[str, str], ...] = ()  # pptx: (title, bullet lines) after the title slide
    video_url: str = ""
    duration_minutes: int = 0
    season: tuple[int, int] | None = None
    years_ago: int = 0
    # In the small demo's library too: it takes the place of the first material of its kind.
    starter: bool = False


def publication_date(spec: MaterialSpec, today: datetime.date) -> datetime.date | None:
    """When the material was published, counted back from `today`; None for a draft."""
    if spec.season is not None:
        month, day = spec.season
        latest = datetime.date(today.year, month, day)
        if latest >= today:
            latest = latest.replace(year=today.year - 1)
        return latest.replace(year=latest.year - spec.years_ago)
    if spec.days_ago is None:
        return None
    return today - datetime.timedelta(days=spec.days_ago)


def blocks(text: str) -> list[tuple[str, str]]:
    """The (kind, text) blocks of a body: kind is "heading", "subheading", "bullet" or "paragraph"."""
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("### "):
            out.append(("subheading", line[4:].strip()))
        elif line.startswith("## "):
            out.append(("heading", line[3:].strip()))
        elif line.startswith("- "):
            out.append(("bullet", line[2:].strip()))
        else:
            out.append(("paragraph", line))
    return out
