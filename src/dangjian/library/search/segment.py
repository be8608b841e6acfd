"""Chinese word segmentation for the library's search and keywords.

Neither SQLite's FTS5 nor PostgreSQL's text search can split Chinese into words, so the text
is segmented here (rjieba, with the party-education word list in `words.txt`) and both indexes
store words separated by spaces. Documents are indexed with every word and the dictionary
words inside the longer ones (主题党日 → 主题党日, 主题, 党日), queries are cut into whole
words, so a two-character query such as 党日 finds the documents that say 主题党日.

rjieba and the word list load on first use, once per process.
"""

import functools
import re
import threading
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

# A word is a run of letters and digits: the same tokens FTS5's unicode61 tokenizer and
# PostgreSQL's parser see, so punctuation inside a segment ("E-mail", "3.5") splits it in both.
_WORD = re.compile(r"[^\W_]+")
_LATIN = re.compile(r"[0-9A-Za-z]")
# A word boundary the reader never sees: the ASCII unit separator, one byte in UTF-8, a
# control character that no tokenizer reads as part of a word.
BOUNDARY = "\x1f"

_lock = threading.Lock()
_jieba = None


def _read_list(name: str) -> list[str]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@functools.cache
def domain_words() -> frozenset[str]:
    """The party-education words the segmenter keeps whole."""
    return frozenset(_read_list("words.txt"))


@functools.cache
def stop_words() -> frozenset[str]:
    """Words too common to be a keyword or to narrow a search."""
    return frozenset(_read_list("stopwords.txt"))


def _segmenter():
    """A segmenter of our own with the domain words added; rjieba's shared default stays as
    it is (`parts` uses it for the everyday words)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import rjieba

                jieba = rjieba.Jieba()
                for word in sorted(domain_words()):
                    jieba.add_word(word, None, None)
                _jieba = jieba
    return _jieba


def cut(text: str) -> list[str]:
    """The raw segments of `text`, punctuation and whitespace included."""
    return _segmenter().cut(text)


def _clean(segments: list[str]) -> list[str]:
    return _WORD.findall(" ".join(segments).lower())


@functools.lru_cache(maxsize=65536)
def parts(word: str) -> tuple[str, ...]:
    """The dictionary words of two or more characters inside a longer word (not the word itself)."""
    if len(word) <= 2 or _LATIN.search(word):
        return ()
    import rjieba

    # Our segmenter finds the domain words inside (中国特色社会主义 in the whole name of the
    # thought); rjieba's own, which does not know them, finds the everyday words it would have
    # cut the text into (主题, 党日).
    found = [*_segmenter().cut_all(word), *rjieba.cut_for_search(word)]
    return tuple(sorted({piece for piece in found if 2 <= len(piece) < len(word)}))


def query_tokens(text: str) -> list[str]:
    """The words of a search query: whole words, lower-case, no punctuation or whitespace."""
    return _clean(cut(text or ""))


def _inner_words(text: str) -> tuple[list[str], list[str], list[str]]:
    """The segments of `text`, its words, and the words to index besides them: the dictionary
    words inside each longer word, and the domain words the cut went across (中央八项规定 in
    中央八项规定精神, cut 中央 + 八项规定精神)."""
    jieba = _segmenter()
    segments = jieba.cut(text)
    words = _clean(segments)
    inner: list[str] = []
    for word in words:
        if len(word) > 2:
            inner.extend(parts(word))
    everywhere = jieba.cut_all(text)
    present = domain_words().intersection(everywhere)
    if present:
        # Counting whole lists runs in C; this is the hot path of a bulk index build.
        found, cut_words, inner_words = Counter(everywhere), Counter(words), Counter(inner)
        for word in present:
            missing = found[word] - cut_words[word] - inner_words[word]
            if missing > 0:
                inner.extend([word] * missing)
    return segments, words, inner


def index_tokens(text: str) -> list[str]:
    """The words a document is indexed under: each word, the dictionary words inside the longer
    ones, and the domain words that straddle two words.

    Like jieba's `cut_for_search`, but with every inner word rather than only those of two and
    three characters, so 民主评议 also finds 民主评议党员.
    """
    _segments, words, inner = _inner_words(text or "")
    return words + inner


def segmented(text: str) -> str:
    """The index tokens of `text` joined by spaces: what the index is built from."""
    return " ".join(index_tokens(text))


def split_for_index(text: str, mark: str = BOUNDARY) -> tuple[str, list[str]]:
    """`text` with `mark` between its words, and the other words to index it under (see
    `index_tokens`).

    Removing `mark` gives back the text, so an index that splits words on it (FTS5's unicode61
    does: it is a control character) can also show the text.
    """
    segments, _words, inner = _inner_words(text or "")
    return mark.join(segments), inner


def is_domain_word(word: str) -> bool:
    return word in domain_words()


def is_stop_word(word: str) -> bool:
    return word in stop_words()
