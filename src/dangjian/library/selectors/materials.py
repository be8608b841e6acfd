"""Reads of the library, always limited to what the actor may see.

Who sees a material:
- a member: published materials of their own organisation or any organisation above it, whose
  audience includes them (all members, their category, or officers when they hold an office);
- an officer who manages study (MANAGE_STUDY) somewhere: every material, in any status, owned by
  an organisation of that subtree;
- a reader over a subtree (VIEW_ORG: officers, group leaders, auditors): the published materials
  of that subtree and of the organisations above it, which apply there too;
- an administrator: everything.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, Scope, scope_for
from dangjian.core.errors import NotFound
from dangjian.library import search
from dangjian.library.models import Material, MaterialStatus, Tag
from dangjian.members.audience import audiences_including
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member
from dangjian.orgs.models import OfficerTerm, Organisation
from dangjian.orgs.rules import ancestor_paths

MANAGE_PERM = Perm.MANAGE_STUDY


def audiences_of(member: Member, *, is_officer: bool) -> list[str]:
    """The material audiences that include this member."""
    return audiences_including(member.category, is_officer=is_officer)


def visibility_q(actor: User) -> Q | None:
    """The condition on `Material` for what `actor` may see; None means everything.

    It restricts every search, on every keystroke, so it is built to be cheap: organisation ids
    rather than a join on their paths, no clause that another already covers, and no condition at
    all for an officer who manages every tree. `_visibility_reference` in the tests states the same
    rule plainly and the two are compared for every role.
    """
    scope = scope_for(actor)
    # Kept with the actor's scope, which lives as long as the request (a page may ask twice).
    if not hasattr(scope, "library_visibility"):
        scope.library_visibility = _visibility(actor, scope)  # type: ignore[attr-defined]
    return scope.library_visibility  # type: ignore[attr-defined]


def _visibility(actor: User, scope: Scope) -> Q | None:
    if scope.is_admin:
        return None
    managed_roots = scope.paths(MANAGE_PERM)
    if managed_roots and all(
        _under(path, managed_roots)
        for path in Organisation.objects.filter(parent__isnull=True).values_list("path", flat=True)
    ):
        return None
    view_roots = scope.paths(Perm.VIEW_ORG)
    member = actor_member(actor)
    member_path = member.org.path if member is not None and member.org is not None else None
    view_above = {path for root in view_roots for path in ancestor_paths(root)}
    member_above = set(ancestor_paths(member_path)) if member_path is not None else set()
    # The organisations any clause names, in one query: the subtrees and the organisations above.
    wanted = Q(path__in=view_above | member_above)
    for root in {*managed_roots, *view_roots}:
        wanted |= Q(path__startswith=root)
    orgs = list(Organisation.objects.filter(wanted).values_list("pk", "path"))

    managed = {pk for pk, path in orgs if _under(path, managed_roots)}
    readable = {pk for pk, path in orgs if pk not in managed and (_under(path, view_roots) or path in view_above)}
    condition = Q(org_id__in=sorted(managed)) if managed else Q(pk__in=[])
    if readable:
        condition |= Q(status=MaterialStatus.PUBLISHED, org_id__in=sorted(readable))
    if member is not None and member_path is not None:
        own = {pk for pk, path in orgs if path in member_above} - managed - readable
        if own:
            is_officer = OfficerTerm.objects.current(timezone.localdate()).filter(member=member).exists()
            condition |= Q(
                status=MaterialStatus.PUBLISHED,
                org_id__in=sorted(own),
                audience__in=audiences_of(member, is_officer=is_officer),
            )
    return condition


def _under(path: str, roots: list[str]) -> bool:
    return any(path.startswith(root) for root in roots)


def visible_materials(actor: User) -> QuerySet[Material]:
    """Every material the actor may see, in any status they may see it in."""
    condition = visibility_q(actor)
    materials = Material.objects.all()
    return materials if condition is None else materials.filter(condition)


def may_manage(actor: User, material: Material) -> bool:
    return scope_for(actor).allows(MANAGE_PERM, material.org.path)


def access_material(actor: User, material_id: int | str, *, manage: bool = False) -> Material:
    """A material the actor may see (or, with `manage`, change); 404 for missing and hidden alike."""
    try:
        material = visible_materials(actor).select_related("org").get(pk=material_id)
    except (Material.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if manage and not may_manage(actor, material):
        raise NotFound()
    return material


@dataclass(frozen=True)
class MaterialFilters:
    q: str = ""
    area: str = ""
    tag: str = ""
    kind: str = ""
    org: int | None = None  # this organisation's materials and those of its subtree
    published_from: datetime.date | None = None
    published_to: datetime.date | None = None
    status: str = ""


@dataclass
class Found:
    material: Material
    snippet: str = ""


@dataclass
class FoundPage:
    total: int
    rows: list[Found] = field(default_factory=list)


def _filtered(actor: User, filters: MaterialFilters) -> QuerySet[Material]:
    materials = visible_materials(actor)
    if filters.area:
        materials = materials.filter(area=filters.area)
    if filters.kind:
        materials = materials.filter(kind=filters.kind)
    if filters.tag:
        materials = materials.filter(tags__name=filters.tag)
    if filters.status:
        materials = materials.filter(status=filters.status)
    if filters.org is not None:
        org = Organisation.objects.filter(pk=filters.org).only("path").first()
        materials = materials.filter(org__path__startswith=org.path) if org else materials.none()
    if filters.published_from:
        materials = materials.filter(published_on__gte=filters.published_from)
    if filters.published_to:
        materials = materials.filter(published_on__lte=filters.published_to)
    return materials


def _snippet(material: Material, snippet: str, words: list[str]) -> str:
    """The text's snippet, or the summary's when only the summary holds a word searched for (the
    reader sees why the material was found)."""
    if "<mark>" in snippet or not material.summary:
        return snippet
    summary = material.summary.lower()
    if any(word in summary for word in words):
        return search.highlight(material.summary, words)
    return snippet


def material_find(actor: User, filters: MaterialFilters, *, limit: int = 20, offset: int = 0) -> FoundPage:
    """The materials the actor may see that match: ranked by the full-text index when there is a
    query (with highlighted snippets), newest first otherwise."""
    materials = _filtered(actor, filters)
    if filters.q.strip():
        result = search.search(filters.q, materials=materials, limit=limit, offset=offset)
        by_id = Material.objects.select_related("org").in_bulk([h.material_id for h in result.hits])
        words = search.search_words(filters.q)
        return FoundPage(
            total=result.total,
            rows=[
                Found(by_id[h.material_id], _snippet(by_id[h.material_id], h.snippet, words))
                for h in result.hits
                if h.material_id in by_id
            ],
        )
    ordered = materials.select_related("org").order_by("-published_on", "-pk")
    return FoundPage(total=materials.count(), rows=[Found(m) for m in ordered[offset : offset + limit]])


# What an empty search offers: at most this many suggestions of each sort, found with at most
# this many searches (an empty result is common while typing, so it must stay cheap).
SUGGESTIONS_MAX = 8
SUGGESTION_SEARCHES = 12
KEYWORD_SAMPLE = 2000  # the keywords of this many of the newest visible materials


@dataclass(frozen=True)
class Suggestion:
    q: str
    total: int  # how many of the materials the actor may see it finds (keywords in use: at least)


@dataclass
class Suggestions:
    """What to try when a search finds nothing, each known to find something the actor may see."""

    without_filters: int = 0  # the same words without the filters (0 when there are none, or no use)
    fewer_words: list[Suggestion] = field(default_factory=list)  # each word of the query alone
    related: list[Suggestion] = field(default_factory=list)  # related words and keywords in use
    popular: list[Suggestion] = field(default_factory=list)  # nothing related: common topics, keywords in use

    def __bool__(self) -> bool:
        return bool(self.without_filters or self.fewer_words or self.related or self.popular)


def _shares_a_word(keyword: str, query: str, words: list[str]) -> bool:
    if any(len(word) > 1 and (word in keyword or keyword in word) for word in words):
        return True
    pairs = {query[i : i + 2] for i in range(len(query) - 1)}
    return any(keyword[i : i + 2] in pairs for i in range(len(keyword) - 1))


def search_suggestions(actor: User, filters: MaterialFilters) -> Suggestions:
    """For a search that found nothing: the same words without the filters, each word alone,
    related words (`search.related_words`) and keywords in use that share a word with the query,
    or else the common topics (`search.common_topics`) and the keywords of several materials;
    each searched first among what the actor may see, and offered only when it finds something."""
    q = filters.q.strip()
    if not q:
        return Suggestions()
    visible = visible_materials(actor)
    searches = 0

    def total(query: str) -> int:
        nonlocal searches
        searches += 1
        return search.search(query, materials=visible, limit=1).total

    found = Suggestions()
    if filters != MaterialFilters(q=filters.q):
        found.without_filters = total(q)
    words = search.search_words(q)
    if len(words) > 1:
        alone = [Suggestion(word, n) for word in words[:SUGGESTIONS_MAX] if (n := total(word))]
        found.fewer_words = alone
    keywords: Counter[str] = Counter()
    for row in visible.order_by("-pk").values_list("keywords", flat=True)[:KEYWORD_SAMPLE]:
        keywords.update({str(word) for word in row or []})
    shown = {q, *words}
    candidates = [
        *search.related_words(q, words),
        *(keyword for keyword, _n in keywords.most_common() if _shares_a_word(keyword, q, words)),
    ]
    for candidate in dict.fromkeys(candidates):
        if len(found.related) >= SUGGESTIONS_MAX or searches >= SUGGESTION_SEARCHES:
            break
        if candidate not in shown and (n := total(candidate)):
            found.related.append(Suggestion(candidate, n))
            shown.add(candidate)
    if not found:
        searches = 0  # a budget of its own: nothing else was offered
        for topic in search.common_topics():
            if len(found.popular) >= SUGGESTIONS_MAX or searches >= SUGGESTION_SEARCHES:
                break
            if n := total(topic):
                found.popular.append(Suggestion(topic, n))
        offered = {s.q for s in found.popular}
        shared = [(word, n) for word, n in keywords.most_common() if n > 1 and word not in offered]
        found.popular += [Suggestion(word, n) for word, n in shared[: SUGGESTIONS_MAX - len(found.popular)]]
    return found


def tags_in_use(actor: User, limit: int = 30) -> list[str]:
    """The most used tags among the materials the actor may see, for the filter."""
    return list(
        Tag.objects.filter(materials__in=visible_materials(actor))
        .annotate(n=Count("materials"))
        .order_by("-n", "name")
        .values_list("name", flat=True)[:limit]
    )


def orgs_managed(actor: User) -> list[Organisation]:
    """Organisations whose library the actor manages (may upload to)."""
    scope = scope_for(actor)
    roots = scope.paths(MANAGE_PERM)
    if not roots:
        return []
    condition = Q()
    for root in roots:
        condition |= Q(path__startswith=root)
    return list(Organisation.objects.filter(condition).exclude(kind="group").order_by("path"))


def access_managed_org(actor: User, org_id: int | str) -> Organisation:
    """One of `orgs_managed` (what the upload and topic forms offer); 404 for any other organisation."""
    org = next((org for org in orgs_managed(actor) if str(org.pk) == str(org_id)), None)
    if org is None:
        raise NotFound()
    return org
