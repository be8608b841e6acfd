"""Study topics (学习专题): an organisation groups library materials for an audience, in order, with
a guidance note. Only published materials the officer may see can be chosen; a material withdrawn
later may stay in the topic (members no longer see it there)."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden, raise_for_errors
from dangjian.library.models import Material, MaterialStatus, Topic, TopicMaterial
from dangjian.library.selectors.materials import MANAGE_PERM, visible_materials
from dangjian.members.audience import Audience
from dangjian.orgs.models import Organisation

TOPIC_FIELDS = ["title", "guidance", "audience"]
MAX_MATERIALS = 50


def _check_org(actor: User, org: Organisation) -> None:
    if not scope_for(actor).allows(MANAGE_PERM, org.path):
        raise Forbidden()
    if org.dissolved_on:
        raise DomainError(_("Choose an organisation that is still active."), field="org")


def _field_errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data["title"]:
        errors["title"] = [_("Give the topic a title.")]
    elif len(data["title"]) > 200:
        errors["title"] = [_("The title is too long.")]
    if data["audience"] not in Audience.values:
        errors["audience"] = [_("Choose one of the audiences.")]
    return errors


def _material_ids(actor: User, materials: Iterable, keep: Iterable[int] = ()) -> tuple[list[int], list[str]]:
    """The chosen materials' ids, in order and each once, and what is wrong with the choice.

    A material that does not exist and one the actor may not see get the same message."""
    ids: list[int] = []
    for item in materials:
        pk = item.pk if isinstance(item, Material) else item
        if pk not in ids:
            ids.append(pk)
    if not ids:
        return ids, [_("Choose at least one material.")]
    if len(ids) > MAX_MATERIALS:
        return ids, [_("Choose at most %(n)s materials.") % {"n": MAX_MATERIALS}]
    allowed = set(
        visible_materials(actor).filter(pk__in=ids, status=MaterialStatus.PUBLISHED).values_list("pk", flat=True)
    )
    allowed |= set(keep)
    if any(pk not in allowed for pk in ids):
        return ids, [_("Choose published materials you may see in the library.")]
    return ids, []


def _clean(data: dict) -> dict:
    return {
        "title": (data.get("title") or "").strip(),
        "guidance": (data.get("guidance") or "").strip(),
        "audience": data.get("audience"),
    }


def _set_materials(topic: Topic, ids: list[int]) -> None:
    topic.entries.all().delete()
    TopicMaterial.objects.bulk_create(
        TopicMaterial(topic=topic, material_id=pk, position=position) for position, pk in enumerate(ids)
    )


@transaction.atomic(durable=True)
def topic_create(
    *,
    actor: User,
    org: Organisation,
    title: str,
    materials: Iterable[int | Material],
    guidance: str = "",
    audience: str = Audience.ALL,
) -> Topic:
    """Group materials (ids, in study order) into a topic of `org` for an audience of its subtree."""
    _check_org(actor, org)
    data = _clean({"title": title, "guidance": guidance, "audience": audience})
    errors = _field_errors(data)
    ids, problems = _material_ids(actor, materials)
    if problems:
        errors["materials"] = problems
    raise_for_errors(errors)
    topic = Topic.objects.create(org=org, **data)
    _set_materials(topic, ids)
    audit.record(
        actor=actor,
        action="topic.create",
        obj=topic,
        org_path=org.path,
        changes=audit.snapshot(topic, TOPIC_FIELDS) | {"materials": ids},
    )
    return topic


@transaction.atomic(durable=True)
def topic_update(
    *, actor: User, topic: Topic, materials: Iterable[int | Material] | None = None, **changes: Any
) -> Topic:
    """Change a topic's title, guidance or audience; with `materials`, the topic holds exactly those, in that order.
    Materials already in the topic may stay even if they have been withdrawn since."""
    _check_org(actor, topic.org)
    unknown = set(changes) - set(TOPIC_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(topic, TOPIC_FIELDS)
    data = _clean({name: getattr(topic, name) for name in TOPIC_FIELDS} | changes)
    errors = _field_errors(data)
    old_ids = list(topic.entries.order_by("position", "pk").values_list("material_id", flat=True))
    ids = old_ids
    if materials is not None:
        ids, problems = _material_ids(actor, materials, keep=old_ids)
        if problems:
            errors["materials"] = problems
    raise_for_errors(errors)
    for name, value in data.items():
        setattr(topic, name, value)
    topic.save()
    log = audit.diff(before, audit.snapshot(topic, TOPIC_FIELDS))
    if ids != old_ids:
        _set_materials(topic, ids)
        log["materials"] = [old_ids, ids]
    if log:
        audit.record(actor=actor, action="topic.update", obj=topic, org_path=topic.org.path, changes=log)
    return topic
