"""The full-text index of the library: one interface, one implementation per database.

SQLite keeps an FTS5 table, PostgreSQL a table with a `tsvector` and a GIN index (both made by
migrations 0002 and 0005). The index holds, per material, its title, summary, keywords and text;
the title, summary and keywords weigh alike, ten times the text, and a material whose title holds
every word of the query comes before the others. The services keep the index in step with the
materials (`index_material` when the text, title, summary or keywords change, `remove_material`
when a material goes). A search is always restricted, in SQL, to a queryset
of materials the caller already filtered for visibility, so a stale entry can never show.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from itertools import islice
from types import ModuleType

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from dangjian.library.search import segment
from dangjian.library.search.snippets import highlight

# More words than this in one query add nothing but cost.
MAX_QUERY_WORDS = 16
BATCH = 500


@dataclass(frozen=True)
class Hit:
    material_id: int
    score: float  # higher is better; comparable only within one result
    snippet: SafeString


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]


@dataclass(frozen=True)
class IndexEntry:
    material_id: int
    title: str
    keywords: list[str]
    text: str
    summary: str = ""


EMPTY = SearchResult(total=0, hits=[])


def _backend(using: str) -> ModuleType:
    vendor = connections[using].vendor
    try:
        return import_module(f"{__name__}.{vendor}")
    except ImportError:
        raise NotImplementedError(f"no full-text search for the {vendor} database") from None


def index_material(
    material_id: int,
    *,
    title: str,
    keywords: list[str],
    text: str,
    summary: str = "",
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Index (or re-index, replacing what was there) one material."""
    index_materials([IndexEntry(material_id, title, list(keywords), text, summary)], using=using)


def index_materials(entries: Iterable[IndexEntry], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Index many materials, replacing their entries; returns how many."""
    backend = _backend(using)
    done = 0
    with connections[using].cursor() as cursor:
        for batch in _batches(entries, BATCH):
            backend.store(cursor, [backend.row(entry) for entry in batch])
            done += len(batch)
    return done


@dataclass(frozen=True)
class PreparedEntry:
    """An entry's index values, segmented ahead of the write that stores them (`index_prepared`):
    segmenting a long text takes a while, and no write transaction should wait for it."""

    vendor: str
    values: tuple


def prepare_entry(
    *, title: str, keywords: list[str], text: str, summary: str = "", using: str = DEFAULT_DB_ALIAS
) -> PreparedEntry:
    """The segmented index values of a material not necessarily saved yet. No database access."""
    row = _backend(using).row(IndexEntry(0, title, list(keywords), text, summary))
    return PreparedEntry(connections[using].vendor, row[1:])


def index_prepared(material_id: int, prepared: PreparedEntry, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Index (or re-index) one material from values `prepare_entry` made."""
    if prepared.vendor != connections[using].vendor:
        raise ValueError("an entry prepared for another database")
    with connections[using].cursor() as cursor:
        _backend(using).store(cursor, [(material_id, *prepared.values)])


def remove_material(material_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Take a material out of the index (nothing happens if it is not there)."""
    with connections[using].cursor() as cursor:
        _backend(using).delete(cursor, [material_id])


def document_count(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """How many materials the index holds."""
    with connections[using].cursor() as cursor:
        return _backend(using).count(cursor)


def document_frequency(terms: list[str], *, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """For each term, in how many indexed materials it occurs (as an index word)."""
    wanted = sorted({term.lower() for term in terms if term})
    if not wanted:
        return {}
    with connections[using].cursor() as cursor:
        found = _backend(using).frequencies(cursor, wanted)
    return {term: found.get(term.lower(), 0) for term in terms if term}


def search_words(query: str) -> list[str]:
    """The words a query searches for: all must occur. Stop-words and single characters (的 in
    党的建设) are left out unless nothing else remains."""
    words = list(dict.fromkeys(segment.query_tokens(query or "")))
    meaningful = [word for word in words if len(word) > 1 and not segment.is_stop_word(word)]
    return (meaningful or words)[:MAX_QUERY_WORDS]


def search(query: str, *, materials: QuerySet, limit: int = 20, offset: int = 0) -> SearchResult:
    """The materials of `materials` that contain every word of `query` (in their title, summary,
    keywords or text, not necessarily all in one), best first: those whose title holds every word,
    then by score.

    `materials` is already filtered (visibility, area, tag, …); the search is restricted to it in
    the database. Snippets show the text around the words found, escaped, the words in `<mark>`.
    """
    words = search_words(query)
    if not words or limit <= 0:
        return EMPTY
    using = materials.db
    backend = _backend(using)
    restrict = materials.values("pk")
    if not restrict.query.is_sliced:
        restrict = restrict.order_by()
    try:
        subquery, params = restrict.query.get_compiler(using=using).as_sql()
    except EmptyResultSet:  # .none(), pk__in=[]: nothing to search in
        return EMPTY
    with connections[using].cursor() as cursor:
        total, ranked = backend.ranked(cursor, words, subquery, tuple(params), limit=limit, offset=max(offset, 0))
        texts = backend.texts(cursor, [material_id for material_id, _score in ranked]) if ranked else {}
    hits = [
        Hit(material_id=material_id, score=score, snippet=highlight(texts.get(material_id, ""), words))
        for material_id, score in ranked
    ]
    return SearchResult(total=total, hits=hits)


def clear(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty the index."""
    with connections[using].cursor() as cursor:
        _backend(using).clear(cursor)


def material_entries(materials: QuerySet, *, pages_model=None) -> Iterator[IndexEntry]:
    """What the index holds for each material: its title, summary, keywords, and the text of its
    pages (or, for a material without pages such as a video, its summary). `pages_model`: the
    page model to read, for a migration's historical models."""
    from dangjian.library.models import MaterialPage

    pages_of = pages_model or MaterialPage
    for chunk in _batches(materials.order_by("pk").values_list("pk", "title", "keywords", "summary"), BATCH):
        pages: dict[int, list[str]] = {}
        rows = pages_of.objects.using(materials.db).filter(material_id__in=[row[0] for row in chunk])
        for material_id, text in rows.order_by("material_id", "number").values_list("material_id", "text"):
            pages.setdefault(material_id, []).append(text)
        for pk, title, keywords, summary in chunk:
            text = "\n".join(pages.get(pk, [])) or summary
            yield IndexEntry(pk, title, list(keywords or []), text, summary or "")


def rebuild(materials: QuerySet | None = None, *, pages_model=None) -> int:
    """Empty the index and index `materials` (by default every material); returns how many."""
    if materials is None:
        from dangjian.library.models import Material

        materials = Material.objects.all()
    using = materials.db
    with transaction.atomic(using=using):
        clear(using=using)
        done = index_materials(material_entries(materials, pages_model=pages_model), using=using)
    with connections[using].cursor() as cursor:
        _backend(using).optimize(cursor)
    return done


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
