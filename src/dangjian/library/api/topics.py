"""API of study topics (学习专题): the topics assigned to the caller with their progress, those of
the caller's scope, one topic, and the officer's create and change.

The same selectors, services and access checks as the pages: a topic the caller may not see
answers 404, as a missing one does. Officers see how many of the audience studied each material:
counts only, never who.
"""

from typing import Literal

from ninja import Field, Router, Schema, Status

from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.edge.schemas import BodyIn, responses
from dangjian.library.selectors import topics as selectors
from dangjian.library.selectors.materials import MANAGE_PERM, access_managed_org
from dangjian.library.services import topics as services
from dangjian.members.audience import Audience
from dangjian.orgs.permissions import access_org
from dangjian.orgs.schemas import OrgRefOut

router = Router(tags=["library"])

AudienceValue = Literal[tuple(Audience.values)]
NOT_VISIBLE = "404 when the topic does not exist or the caller may not see it (the two look the same)."
MATERIALS = (
    "Material ids in the order to study them; each a published material the caller may see (400 otherwise, "
    "with the same message whether the material is missing or hidden)."
)


# --- Schemas ----------------------------------------------------------------------------------


class TopicRefOut(Schema):
    id: int
    org: OrgRefOut
    title: str
    guidance: str
    audience: str


class AssignedTopicOut(Schema):
    topic: TopicRefOut
    studied: int = Field(description="Materials of the topic the caller has read or logged self-study on.")
    total: int = Field(description="Materials of the topic the caller may open.")


class OverseenTopicOut(Schema):
    topic: TopicRefOut
    materials: int = Field(description="Materials in the topic, including any withdrawn since.")
    can_edit: bool


class TopicListOut(Schema):
    assigned: list[AssignedTopicOut] = Field(description="Topics assigned to the caller, with their progress.")
    overseen: list[OverseenTopicOut] = Field(description="Topics of the organisations the caller manages or oversees.")


class TopicMaterialOut(Schema):
    id: int = Field(description="The material's id.")
    title: str
    kind: str
    status: str = Field(description="A material withdrawn since it was chosen is listed for the topic's managers only.")
    openable: bool = Field(description="Whether the caller may open it in the reader.")
    studied: bool | None = Field(
        description="Whether the caller has studied it; null for an account without a member record."
    )
    studied_count: int | None = Field(
        description="Officers: how many members of the audience in their scope have studied it; null for others."
    )

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.material.pk

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.material.title

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.material.kind

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.material.status


class TopicOut(Schema):
    id: int
    org: OrgRefOut
    title: str
    guidance: str
    audience: str
    can_edit: bool
    materials: list[TopicMaterialOut] = Field(description="In study order.")
    studied: int = Field(description="Of the materials the caller may open, those the caller has studied.")
    total: int = Field(description="Materials the caller may open.")
    audience_size: int | None = Field(description="Officers: members of the audience in their scope; null for others.")

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.topic.pk

    @staticmethod
    def resolve_org(obj):
        return obj.topic.org

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.topic.title

    @staticmethod
    def resolve_guidance(obj) -> str:
        return obj.topic.guidance

    @staticmethod
    def resolve_audience(obj) -> str:
        return obj.topic.audience

    @staticmethod
    def resolve_materials(obj) -> list:
        return obj.entries


class TopicCreateIn(BodyIn):
    org: int
    title: str = Field(max_length=200)
    guidance: str = ""
    audience: AudienceValue = Audience.ALL
    materials: list[int] = Field(description=MATERIALS)


class TopicUpdateIn(BodyIn):
    title: str | None = Field(None, max_length=200)
    guidance: str | None = None
    audience: AudienceValue | None = None
    materials: list[int] | None = Field(
        None, description=f"{MATERIALS} Materials already in the topic may stay even if withdrawn since."
    )


# --- Operations -------------------------------------------------------------------------------


@router.get(
    "/topics",
    operation_id="topic_list",
    response=responses({200: TopicListOut}),
    summary="Study topics",
    description="Topics assigned to the caller with their progress, and topics of the organisations they oversee.",
)
def topic_list(request):
    return {"assigned": selectors.assigned_topics(request.auth), "overseen": selectors.overseen_topics(request.auth)}


@router.get(
    "/topics/{topic_id}",
    operation_id="topic_get",
    response=responses({200: TopicOut}),
    summary="A study topic",
    description=f"Its materials in order with the caller's progress, and counts for officers. {NOT_VISIBLE}",
)
def topic_get(request, topic_id: int):
    topic = selectors.access_topic(request.auth, topic_id)
    return selectors.topic_detail(request.auth, topic)


@router.post(
    "/topics",
    operation_id="topic_create",
    response=responses({201: TopicOut}),
    summary="Assign a study topic",
    description=(
        "Groups materials into a topic of an organisation for an audience of its subtree. 404 (with `field`: `org`) "
        "when the organisation is outside the caller's scope; 403 when the caller may see it but not plan its study; "
        "400 when the title is missing or a material may not be chosen."
    ),
)
def topic_create(request, payload: TopicCreateIn):
    try:
        org = access_org(request.auth, payload.org, Perm.VIEW_ORG)
        if scope_for(request.auth).allows(MANAGE_PERM, org.path):  # else the service answers 403
            org = access_managed_org(request.auth, org.pk)  # only what the page offers
    except NotFound as exc:
        raise NotFound(field="org") from exc
    topic = services.topic_create(actor=request.auth, org=org, **payload.model_dump(exclude={"org"}))
    return Status(201, selectors.topic_detail(request.auth, selectors.access_topic(request.auth, topic.pk)))


@router.patch(
    "/topics/{topic_id}",
    operation_id="topic_update",
    response=responses({200: TopicOut}),
    summary="Change a study topic",
    description=f"Only the fields sent change; `materials` replaces the list. {NOT_VISIBLE}",
)
def topic_update(request, topic_id: int, payload: TopicUpdateIn):
    topic = selectors.access_topic(request.auth, topic_id, manage=True)
    fields = payload.model_dump(exclude_unset=True)
    services.topic_update(actor=request.auth, topic=topic, **fields)
    return selectors.topic_detail(request.auth, selectors.access_topic(request.auth, topic.pk))
