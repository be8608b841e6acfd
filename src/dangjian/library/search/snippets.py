"""Search-result snippets: the passages of a text around the words searched for, highlighted.

Built here rather than by the databases (FTS5's `snippet()`, PostgreSQL's `ts_headline`), for
three reasons: the result is the same on both; the text shown is the original one, without the
spaces the index puts between Chinese words; and a word is highlighted where it sits inside a
longer one (党日 in 主题党日), which a token-based highlighter cannot do. Only the hits of one
page are highlighted, so the cost is a few substring searches over twenty texts.
"""

import re
from html import escape

from django.utils.safestring import SafeString, mark_safe

LENGTH = 120
FRAGMENTS = 2
ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")
_ASCII_WORD = re.compile(r"[0-9a-z]+")
MAX_MATCHES = 200


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    alternatives = []
    # Longest first, so 主题党日 wins over 党日 where both match.
    for term in sorted({t for t in terms if t}, key=lambda t: (-len(t), t)):
        escaped = re.escape(term)
        if _ASCII_WORD.fullmatch(term):
            # A Latin word or number matches whole, as the index matched it: "art" not in "party".
            escaped = rf"(?<![0-9A-Za-z]){escaped}(?![0-9A-Za-z])"
        alternatives.append(escaped)
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def _windows(matches: list[re.Match[str]], size: int, length: int, fragments: int) -> list[tuple[int, int]]:
    """Up to `fragments` non-overlapping windows of about `length` characters, each covering as
    many different words as it can (then as many matches), in text order."""
    candidates = []
    j = 0
    for i, first in enumerate(matches):
        start = max(0, first.start() - length // 5)
        end = min(size, start + length)
        # Window ends only grow with i, so the first match past this window only moves forward.
        j = max(j, i + 1)
        while j < len(matches) and matches[j].end() <= end:
            j += 1
        inside = matches[i:j]
        words = {m.group().lower() for m in inside}
        candidates.append((len(words), len(inside), -start, start, max(end, first.end())))
    candidates.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for *_rank, start, end in candidates:
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
            if len(chosen) == fragments:
                break
    return sorted(chosen)


def highlight(text: str, terms: list[str], *, length: int = LENGTH, fragments: int = FRAGMENTS) -> SafeString:
    """Passages of `text` around `terms`, HTML-escaped, each term in `<mark>`."""
    text = _SPACE.sub(" ", text or "").strip()
    pattern = _pattern(terms)
    matches = list(pattern.finditer(text))[:MAX_MATCHES] if pattern else []
    if not matches:
        # Matched by its title or keywords only: show how the text begins.
        shown = escape(text) if len(text) <= length else escape(text[:length]) + ELLIPSIS
        return mark_safe(shown)  # escaped just now
    pieces: list[str] = []
    windows = _windows(matches, len(text), length, fragments)
    for n, (start, end) in enumerate(windows):
        if n or start > 0:
            pieces.append(ELLIPSIS if not n else " " + ELLIPSIS + " ")
        position = start
        for match in matches:
            if match.start() < start or match.end() > end:
                continue
            pieces.append(escape(text[position : match.start()]))
            pieces.append("<mark>" + escape(match.group()) + "</mark>")
            position = match.end()
        pieces.append(escape(text[position:end]))
    if windows[-1][1] < len(text):
        pieces.append(ELLIPSIS)
    # Every piece of text above went through escape().
    return mark_safe("".join(pieces))
