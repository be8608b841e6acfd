"""Words people look for under one another (`related.txt`): what to offer when a search finds
nothing. 初心 finds nothing? Perhaps 初心使命 or 理想信念 does."""

import functools
from pathlib import Path

HERE = Path(__file__).resolve().parent


@functools.cache
def groups() -> tuple[tuple[str, ...], ...]:
    """The groups of related words, in the order the file gives them."""
    lines = (HERE / "related.txt").read_text(encoding="utf-8").splitlines()
    return tuple(tuple(line.split()) for line in lines if line.strip() and not line.startswith("#"))


def related_words(query: str, words: list[str]) -> list[str]:
    """The words related to a query, closest first: those of every group that holds one of its
    `words` (or that the query itself contains, or that contains the query), the query's own
    words left out."""
    query = query.strip().lower()
    own = {query, *words}
    found: list[str] = []
    for group in groups():
        if any(word in own or (len(word) > 1 and (word in query or (query and query in word))) for word in group):
            found.extend(word for word in group if word not in own and word not in found)
    return found


def common_topics() -> list[str]:
    """The first word of every group: the topics people look for most, in the file's order."""
    return list(dict.fromkeys(group[0] for group in groups()))
