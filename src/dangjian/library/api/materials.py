"""API of the library: finding materials (full-text search), uploading, films, metadata, publishing.

The same selectors, services and access checks as the pages: a material the caller may not see
answers 404, as a missing one does.
"""

import datetime
from typing import Literal

from django.db.models import prefetch_related_objects
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut, responses
from dangjian.library.models import ContentArea, MaterialKind, MaterialStatus
from dangjian.library.selectors import materials as selectors
from dangjian.library.services import materials as services
from dangjian.members.audience import Audience
from dangjian.orgs.schemas import OrgRefOut

router = Router(tags=["library"])

NOT_VISIBLE = "404 when the material does not exist or the caller may not see it (the two look the same)."
INVALID = "400 with a message (and `field`) when the data breaks a rule."

Area = Literal[tuple(ContentArea.values)]
Kind = Literal[tuple(MaterialKind.values)]
AudienceValue = Literal[tuple(Audience.values)]
StatusValue = Literal[tuple(MaterialStatus.values)]


class MaterialOut(Schema):
    id: int
    title: str
    org: OrgRefOut
    kind: str
    area: str
    audience: str
    status: str
    source: str
    published_on: datetime.date | None
    summary: str
    keywords: list[str]
    tags: list[str]
    page_count: int
    extraction: str = Field(description="pending, running, ready or failed.")
    extraction_progress: int = Field(description="Percent, while the text is being extracted.")
    extraction_error: str
    downloadable: bool
    video_url: str
    duration_minutes: int

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class FoundOut(Schema):
    material: MaterialOut
    snippet: str = Field(description="With a query: an HTML fragment, matched words in <mark>, the rest escaped.")


class FindIn(PageIn):
    q: str = Field("", max_length=100, description="Words to find in titles, keywords and the full text.")
    area: Area | Literal[""] = ""
    kind: Kind | Literal[""] = ""
    tag: str = ""
    org: int | None = Field(None, description="Materials of this organisation and those below it.")
    published_from: Date | None = None
    published_to: Date | None = None
    status: StatusValue | Literal[""] = Field("", description="Managers see drafts and withdrawn materials too.")


class SuggestionOut(Schema):
    q: str = Field(description="Words to search for instead.")
    total: int = Field(description="How many materials the caller may see they find (keywords in use: at least).")


class SuggestionsOut(Schema):
    without_filters: int = Field(description="How many materials the same words find without the filters.")
    fewer_words: list[SuggestionOut] = Field(description="Each word of the query alone.")
    related: list[SuggestionOut] = Field(description="Related words and keywords in use.")
    popular: list[SuggestionOut] = Field(description="When nothing related finds anything: the most used keywords.")


class FindOut(PageOut):
    items: list[FoundOut]
    suggestions: SuggestionsOut | None = Field(
        None, description="With `q` and nothing found: what to try instead, each finding something the caller may see."
    )


class UploadIn(Schema):
    org: int
    title: str = Field("", max_length=200, description="Taken from the file when empty.")
    area: Area
    audience: AudienceValue = "all"
    source: str = Field("", max_length=200)
    published_on: Date | None = None
    downloadable: bool = True
    tags: str = Field("", description="Separated by commas or spaces.")


class VideoIn(BodyIn):
    org: int
    title: str = Field(max_length=200)
    video_url: str = Field(max_length=200)
    duration_minutes: int = Field(ge=1)
    summary: str = ""
    area: Area
    audience: AudienceValue = "all"
    source: str = Field("", max_length=200)
    published_on: Date | None = None
    tags: list[str] = Field(default_factory=list)


# The one field of MaterialPatchIn that null empties rather than leaves alone.
CLEARABLE = frozenset({"published_on"})


class MaterialPatchIn(BodyIn):
    title: str | None = Field(None, max_length=200)
    source: str | None = Field(None, max_length=200)
    published_on: Date | None = None
    area: Area | None = None
    audience: AudienceValue | None = None
    summary: str | None = None
    keywords: list[str] | None = None
    tags: list[str] | None = None
    downloadable: bool | None = None
    video_url: str | None = None
    duration_minutes: int | None = Field(None, ge=1)


@router.get(
    "/materials",
    operation_id="material_list",
    response=responses({200: FindOut}),
    summary="Find materials",
    description=(
        "Only what the caller may see. With `q`, ranked by the Chinese full-text index (titles, summaries and "
        "keywords above the full text; a title holding every word first) with highlighted snippets, and, when "
        "nothing is found, `suggestions`; otherwise newest first."
    ),
)
def material_list(request, filters: Query[FindIn]):
    data = filters.model_dump(exclude={"limit", "offset"})
    query = selectors.MaterialFilters(**data)
    found = selectors.material_find(request.auth, query, limit=filters.limit, offset=filters.offset)
    prefetch_related_objects([row.material for row in found.rows], "tags")
    suggestions = selectors.search_suggestions(request.auth, query) if query.q.strip() and not found.total else None
    return {
        "count": found.total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [{"material": row.material, "snippet": str(row.snippet)} for row in found.rows],
        "suggestions": suggestions,
    }


@router.get(
    "/materials/{material_id}",
    operation_id="material_get",
    response=responses({200: MaterialOut}),
    summary="A material",
    description=NOT_VISIBLE,
)
def material_get(request, material_id: int):
    return selectors.access_material(request.auth, material_id)


@router.post(
    "/materials",
    operation_id="material_upload",
    response=responses({201: MaterialOut}, 409),
    summary="Upload a material",
    description=(
        "multipart/form-data with `file` and the fields. The type is judged from the content; an empty, damaged, "
        "password-protected or text-less file is refused (400) and a file already in the library too (409), "
        f"changing nothing. A large file is read in the background: follow `extraction`. {INVALID}"
    ),
)
def material_upload(request, payload: Form[UploadIn], file: File[UploadedFile]):
    org = selectors.access_managed_org(request.auth, payload.org)
    data = payload.model_dump(exclude={"org"})
    data["tags"] = [word for word in data["tags"].replace("，", ",").replace(",", " ").split() if word]
    return Status(201, services.material_upload(actor=request.auth, org=org, file=file, **data))


@router.post(
    "/videos",
    operation_id="material_video_create",
    response=responses({201: MaterialOut}),
    summary="Add a film",
    description=f"A film (专题片): its link, length and description. {INVALID}",
)
def material_video_create(request, payload: VideoIn):
    org = selectors.access_managed_org(request.auth, payload.org)
    return Status(
        201, services.material_video_create(actor=request.auth, org=org, **payload.model_dump(exclude={"org"}))
    )


@router.patch(
    "/materials/{material_id}",
    operation_id="material_update",
    response=responses({200: MaterialOut}),
    summary="Change a material's metadata",
    description=(
        "Only the fields sent change; null leaves a field as it is, except `published_on`, where it clears the "
        f"date. {NOT_VISIBLE} {INVALID}"
    ),
)
def material_update(request, material_id: int, payload: MaterialPatchIn):
    material = selectors.access_material(request.auth, material_id, manage=True)
    sent = payload.model_dump(exclude_unset=True)
    fields = {name: value for name, value in sent.items() if value is not None or name in CLEARABLE}
    return services.material_update(actor=request.auth, material=material, **fields)


@router.post(
    "/materials/{material_id}/publish",
    operation_id="material_publish",
    response=responses({200: MaterialOut}),
    summary="Publish a material",
    description=f"Its text must be ready and it needs 5–10 keywords (400 otherwise). {NOT_VISIBLE}",
)
def material_publish(request, material_id: int):
    material = selectors.access_material(request.auth, material_id, manage=True)
    return services.material_publish(actor=request.auth, material=material)


@router.post(
    "/materials/{material_id}/withdraw",
    operation_id="material_withdraw",
    response=responses({200: MaterialOut}),
    summary="Withdraw a material",
    description=f"Members no longer see it; its managers still do. {NOT_VISIBLE}",
)
def material_withdraw(request, material_id: int):
    material = selectors.access_material(request.auth, material_id, manage=True)
    return services.material_withdraw(actor=request.auth, material=material)


@router.delete(
    "/materials/{material_id}",
    operation_id="material_delete",
    response=responses({204: None}),
    summary="Delete a material never published",
    description=f"A draft or a failed upload; a published material can only be withdrawn (400). {NOT_VISIBLE}",
)
def material_delete(request, material_id: int):
    material = selectors.access_material(request.auth, material_id, manage=True)
    services.material_delete(actor=request.auth, material=material)
    return Status(204, None)
