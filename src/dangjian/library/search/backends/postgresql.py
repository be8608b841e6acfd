"""The index on PostgreSQL: a table with a `tsvector` over pre-segmented text, GIN-indexed.

`library_search(material_id, title, body, document)`. The parser of the 'simple' configuration
splits on spaces and punctuation and lower-cases, so `document` is built from the index words
joined by spaces: the title's weighted A, the keywords' B, the text's (with the words inside its
longer words) D. `body` keeps the text as it was, for snippets.
"""

from dangjian.library.search import segment

# ts_rank_cd normalisation 1: divide by 1 + log(document length), so a long text does not win
# by length alone.
NORMALISATION = 1

DOCUMENT = (
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') "
    "|| to_tsvector('simple', %s)"
)


def _row(entry) -> tuple:
    return (
        entry.material_id,
        entry.title,
        entry.text,
        segment.segmented(entry.title),
        segment.segmented(" ".join(entry.keywords)),
        segment.segmented(entry.text),
    )


def store(cursor, entries) -> None:
    cursor.executemany(
        "INSERT INTO library_search (material_id, title, body, document) "  # noqa: S608
        f"VALUES (%s, %s, %s, {DOCUMENT}) "
        "ON CONFLICT (material_id) DO UPDATE "
        "SET title = EXCLUDED.title, body = EXCLUDED.body, document = EXCLUDED.document",
        [_row(entry) for entry in entries],
    )


def delete(cursor, material_ids: list[int]) -> None:
    cursor.execute("DELETE FROM library_search WHERE material_id = ANY(%s)", [list(material_ids)])


def clear(cursor) -> None:
    cursor.execute("DELETE FROM library_search")


def optimize(cursor) -> None:
    cursor.execute("ANALYZE library_search")


def count(cursor) -> int:
    cursor.execute("SELECT count(*) FROM library_search")
    return cursor.fetchone()[0]


def frequencies(cursor, terms: list[str]) -> dict[str, int]:
    # One GIN lookup per term. The query is made the way `search` makes it, so a term counts the
    # documents a search for it would find.
    cursor.execute(
        "SELECT t.term, (SELECT count(*) FROM library_search s "
        "WHERE s.document @@ plainto_tsquery('simple', t.term)) "
        "FROM unnest(%s::text[]) AS t(term)",
        [terms],
    )
    return {term: n for term, n in cursor.fetchall() if n}


def ranked(cursor, words: list[str], subquery: str, params: tuple, *, limit: int, offset: int):
    # plainto_tsquery ANDs the words and reads no operators, so no input is syntax; it parses
    # them as to_tsvector parsed the document.
    cursor.execute(
        f"SELECT s.material_id, ts_rank_cd(s.document, q.query, {NORMALISATION}) AS score, "  # noqa: S608
        "count(*) OVER () "
        "FROM library_search s CROSS JOIN plainto_tsquery('simple', %s) AS q(query) "
        f"WHERE s.document @@ q.query AND s.material_id IN ({subquery}) "
        "ORDER BY score DESC, s.material_id DESC LIMIT %s OFFSET %s",
        (" ".join(words), *params, limit, offset),
    )
    rows = cursor.fetchall()
    if rows:
        return rows[0][2], [(row[0], float(row[1])) for row in rows]
    if not offset:
        return 0, []
    cursor.execute(
        "SELECT count(*) FROM library_search s "  # noqa: S608
        "WHERE s.document @@ plainto_tsquery('simple', %s) "
        f"AND s.material_id IN ({subquery})",
        (" ".join(words), *params),
    )
    return cursor.fetchone()[0], []


def texts(cursor, material_ids: list[int]) -> dict[int, str]:
    cursor.execute("SELECT material_id, body FROM library_search WHERE material_id = ANY(%s)", [list(material_ids)])
    return dict(cursor.fetchall())
