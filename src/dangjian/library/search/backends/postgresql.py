"""The index on PostgreSQL: a table with a `tsvector` over pre-segmented text, GIN-indexed.

`library_search(material_id, title, body, document, title_document)`. The parser of the
'simple' configuration splits on spaces and punctuation and lower-cases, so the vectors are
built from the index words joined by spaces: `document` from the title's, the summary's and the
keywords' (weight A: ten times the text with ts_rank_cd's default weights) and the text's (D);
`title_document` from the title's alone: a material whose title holds every word comes first. `body` keeps the
text as it was, for snippets.

Two things about a text of some thousand characters: its vector (~10 kB) is stored out of
line (TOAST), and the planner does not count the cost of fetching it. So
- it prefers a sequential scan, unpacking every vector, to the GIN index, which finds the
  matches without unpacking any: the match runs with sequential scans off;
- ranking unpacks the vector of every match, which for a word most materials contain is most
  of the table: only the best `RANK_CANDIDATES` matches by a cheap order (title hits first,
  then the newest) are ranked by `ts_rank_cd`. The total still counts every match.
"""

from django.db import transaction

from dangjian.library.search import segment

# ts_rank_cd normalisation 1: divide by 1 + log(document length), so a long text does not win
# by length alone.
NORMALISATION = 1
RANK_CANDIDATES = 2000

DOCUMENT = (
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'A') "
    "|| setweight(to_tsvector('simple', %s), 'A') || to_tsvector('simple', %s)"
)


def row(entry) -> tuple:
    """The values `store` writes for one entry, its id first: the text segmented (slow for a long one)."""
    title = segment.segmented(entry.title)
    return (
        entry.material_id,
        entry.title,
        entry.text,
        title,
        segment.segmented(entry.summary),
        segment.segmented(" ".join(entry.keywords)),
        segment.segmented(entry.text),
        title,
    )


def store(cursor, rows: list[tuple]) -> None:
    cursor.executemany(
        "INSERT INTO library_search (material_id, title, body, document, title_document) "  # noqa: S608
        f"VALUES (%s, %s, %s, {DOCUMENT}, to_tsvector('simple', %s)) "
        "ON CONFLICT (material_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, "
        "document = EXCLUDED.document, title_document = EXCLUDED.title_document",
        rows,
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


class _IndexOnly:
    """Sequential scans off for the statements inside, then as they were (see the module)."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.atomic = transaction.atomic(using=cursor.db.alias, savepoint=False)

    def __enter__(self):
        self.atomic.__enter__()
        # set_config(…, true) is SET LOCAL: it lasts until the transaction ends, so it is put
        # back afterwards in case that is an outer transaction with more to do.
        self.cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        self.previous = self.cursor.fetchone()[0]
        return self.cursor

    def __exit__(self, *exc):
        if exc[0] is None:
            self.cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [self.previous])
        return self.atomic.__exit__(*exc)


def frequencies(cursor, terms: list[str]) -> dict[str, int]:
    # One GIN lookup per term. The query is made the way `search` makes it, so a term counts the
    # documents a search for it would find.
    with _IndexOnly(cursor):
        cursor.execute(
            "SELECT t.term, (SELECT count(*) FROM library_search s "
            "WHERE s.document @@ plainto_tsquery('simple', t.term)) "
            "FROM unnest(%s::text[]) AS t(term)",
            [terms],
        )
        rows = cursor.fetchall()
    return {term: n for term, n in rows if n}


def ranked(cursor, words: list[str], subquery: str, params: tuple, *, limit: int, offset: int):
    # plainto_tsquery ANDs the words and reads no operators, so no input is syntax; it parses
    # them as to_tsvector parsed the document.
    query = " ".join(words)
    candidates = max(RANK_CANDIDATES, offset + limit)
    with _IndexOnly(cursor):
        cursor.execute(
            "WITH matches AS MATERIALIZED ("  # noqa: S608
            "  SELECT s.material_id, s.title_document @@ q.query AS in_title"
            "  FROM library_search s, plainto_tsquery('simple', %s) AS q(query) WHERE s.document @@ q.query"
            "), allowed AS MATERIALIZED ("
            f"  SELECT material_id, in_title FROM matches WHERE material_id IN ({subquery})"
            "), candidates AS ("
            "  SELECT material_id, in_title FROM allowed ORDER BY in_title DESC, material_id DESC LIMIT %s"
            ") "
            f"SELECT s.material_id, ts_rank_cd(s.document, plainto_tsquery('simple', %s), {NORMALISATION}) AS score,"
            "  (SELECT count(*) FROM allowed) "
            "FROM candidates c JOIN library_search s ON s.material_id = c.material_id "
            "ORDER BY c.in_title DESC, score DESC, s.material_id DESC LIMIT %s OFFSET %s",
            (query, *params, candidates, query, limit, offset),
        )
        rows = cursor.fetchall()
        if rows or not offset:
            return (rows[0][2] if rows else 0), [(row[0], float(row[1])) for row in rows]
        # Past the last page: the count still tells how many there are.
        cursor.execute(
            "SELECT count(*) FROM library_search s "  # noqa: S608
            "WHERE s.document @@ plainto_tsquery('simple', %s) "
            f"AND s.material_id IN ({subquery})",
            (query, *params),
        )
        return cursor.fetchone()[0], []


def texts(cursor, material_ids: list[int]) -> dict[int, str]:
    cursor.execute("SELECT material_id, body FROM library_search WHERE material_id = ANY(%s)", [list(material_ids)])
    return dict(cursor.fetchall())
