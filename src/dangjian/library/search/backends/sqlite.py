"""The index on SQLite: an FTS5 table over pre-segmented text.

`library_search(title, summary, keywords, body, parts)`, rowid = material id. FTS5's unicode61 tokenizer
splits on anything that is not a letter or digit, so the text goes in with a control character
(`segment.BOUNDARY`) between its words: `body` is the text itself, searchable word by word, and
shows as it was once the marks are removed. `title`, `summary` and `keywords` hold their index words;
`parts` the other words the body is indexed under (党日 inside 主题党日, see
`segment.index_tokens`). `library_search_vocab` (fts5vocab, 'row') gives how many documents
hold a term.
"""

from dangjian.library.search import segment

# bm25 weights of title, summary, keywords, body, parts: a hit in the title, summary or keywords
# counts ten in the body. (A material whose title holds every word comes first whatever its score.)
WEIGHTS = (10.0, 10.0, 10.0, 1.0, 1.0)


def row(entry) -> tuple:
    """The values `store` writes for one entry, its id first: the text segmented (slow for a long one)."""
    body, parts = segment.split_for_index(entry.text)
    return (
        entry.material_id,
        segment.segmented(entry.title),
        segment.segmented(entry.summary),
        segment.segmented(" ".join(entry.keywords)),
        body,
        " ".join(parts),
    )


def store(cursor, rows: list[tuple]) -> None:
    delete(cursor, [row[0] for row in rows])
    cursor.executemany(
        "INSERT INTO library_search (rowid, title, summary, keywords, body, parts) VALUES (%s, %s, %s, %s, %s, %s)",
        rows,
    )


def delete(cursor, material_ids: list[int]) -> None:
    if not material_ids:
        return
    marks = ", ".join(["%s"] * len(material_ids))
    cursor.execute(f"DELETE FROM library_search WHERE rowid IN ({marks})", list(material_ids))  # noqa: S608


def clear(cursor) -> None:
    cursor.execute("DELETE FROM library_search")


def optimize(cursor) -> None:
    # Merge the index's b-trees into one: fewer lookups per query after a bulk load.
    cursor.execute("INSERT INTO library_search (library_search) VALUES ('optimize')")


def count(cursor) -> int:
    cursor.execute("SELECT count(*) FROM library_search")
    return cursor.fetchone()[0]


def frequencies(cursor, terms: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for term in terms:
        # One lookup per term: fts5vocab answers `term = ?` from the index, not `IN (...)`.
        cursor.execute("SELECT doc FROM library_search_vocab WHERE term = %s", [term])
        row = cursor.fetchone()
        if row:
            found[term] = row[0]
    return found


def match_expression(words: list[str]) -> str:
    """An FTS5 query for documents holding every word: each word a quoted string, so nothing
    the user typed is read as FTS5 syntax."""
    return " ".join(_quoted(word) for word in words)


def title_expression(words: list[str]) -> str:
    """An FTS5 query for documents whose title holds every word."""
    return " ".join("title : " + _quoted(word) for word in words)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def ranked(cursor, words: list[str], subquery: str, params: tuple, *, limit: int, offset: int):
    weights = ", ".join(str(w) for w in WEIGHTS)
    # bm25() cannot sit beside a window function, so the matches are scored first. `+rowid`:
    # offered `rowid IN (...)`, FTS5 would look up every allowed material in turn and run the
    # query for each (a hundred times slower); unary plus keeps it a filter on the matches.
    # `titled`: the matches whose title holds every word, which come first.
    cursor.execute(
        "WITH hits AS MATERIALIZED ("  # noqa: S608
        f"SELECT rowid AS id, -bm25(library_search, {weights}) AS score FROM library_search "
        f"WHERE library_search MATCH %s AND +rowid IN ({subquery})), "
        "titled AS MATERIALIZED (SELECT rowid AS id FROM library_search WHERE library_search MATCH %s) "
        "SELECT id, score, count(*) OVER () FROM hits "
        "ORDER BY id IN (SELECT id FROM titled) DESC, score DESC, id DESC LIMIT %s OFFSET %s",
        (match_expression(words), *params, title_expression(words), limit, offset),
    )
    rows = cursor.fetchall()
    if rows:
        return rows[0][2], [(row[0], row[1]) for row in rows]
    if not offset:
        return 0, []
    # Past the last page: the count still tells how many there are.
    cursor.execute(
        f"SELECT count(*) FROM library_search WHERE library_search MATCH %s AND +rowid IN ({subquery})",  # noqa: S608
        (match_expression(words), *params),
    )
    return cursor.fetchone()[0], []


def texts(cursor, material_ids: list[int]) -> dict[int, str]:
    marks = ", ".join(["%s"] * len(material_ids))
    cursor.execute(f"SELECT rowid, body FROM library_search WHERE rowid IN ({marks})", list(material_ids))  # noqa: S608
    return {rowid: body.replace(segment.BOUNDARY, "") for rowid, body in cursor.fetchall()}
