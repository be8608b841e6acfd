"""Keywords and a summary for a material, from its own text: pure functions.

Keywords are TF-IDF over the library's own texts: a word the material uses often and few other
materials use. Party-education words (the segmenter's domain list) weigh more, stop-words and
single characters never count. The summary is extractive: the sentences that carry most of the
text's weighty words, earlier sentences preferred, in their original order.
"""

import math
import re
from collections import Counter
from collections.abc import Callable

from dangjian.library.search import segment

DOMAIN_BOOST = 1.5
# How many of the most frequent words are looked up for their document frequency.
CANDIDATES = 40
_DIGITS = re.compile(r"[\d.]+")
# A sentence ends at these marks (kept with the sentence) or at a line break.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*[”’」』）)]*")
SUMMARY_MIN_SENTENCE = 6
_ENDS = re.compile(r"[。！？!?；;”’」』）)]$")


def _is_candidate(word: str) -> bool:
    return len(word) >= 2 and not segment.is_stop_word(word) and not _DIGITS.fullmatch(word)


def term_counts(text: str) -> Counter[str]:
    """How often each keyword-worthy word occurs in `text`."""
    return Counter(word for word in segment.query_tokens(text) if _is_candidate(word))


def suggest_keywords(
    text: str,
    *,
    document_frequency: Callable[[list[str]], dict[str, int]],
    documents: int,
    limit: int = 8,
) -> list[str]:
    """Up to `limit` keywords of `text`, best first.

    `document_frequency` gives, for a list of words, how many of the library's `documents`
    contain each (the search index answers this).
    """
    counts = term_counts(text)
    if not counts or limit <= 0:
        return []
    candidates = [word for word, _n in counts.most_common(CANDIDATES)]
    frequencies = document_frequency(candidates)
    documents = max(documents, 0)

    def weight(word: str) -> float:
        seen_in = min(frequencies.get(word, 0), documents)
        idf = math.log((documents + 1) / (seen_in + 1)) + 1
        boost = DOMAIN_BOOST if segment.is_domain_word(word) else 1.0
        return (1 + math.log(counts[word])) * idf * boost

    ranked = sorted(candidates, key=lambda word: (-weight(word), -len(word), word))
    chosen: list[str] = []
    for word in ranked:
        # 党日 adds nothing beside 主题党日.
        if any(word in longer for longer in chosen):
            continue
        chosen.append(word)
        if len(chosen) == limit:
            break
    return chosen


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, in order."""
    return [s.strip() for s in _SENTENCE.findall(text or "") if s.strip()]


def summarize(text: str, *, sentences: int = 3, max_chars: int = 200) -> str:
    """An extract of at most `sentences` sentences of `text` and `max_chars` characters."""
    found = split_sentences(text)
    if not found or sentences <= 0 or max_chars <= 0:
        return ""
    counts = term_counts(text)
    weights = {
        word: (1 + math.log(n)) * (DOMAIN_BOOST if segment.is_domain_word(word) else 1.0) for word, n in counts.items()
    }

    def score(index: int, sentence: str) -> float:
        words = set(segment.query_tokens(sentence))
        if len(sentence) < SUMMARY_MIN_SENTENCE:
            return 0.0
        content = sum(weights.get(word, 0.0) for word in words)
        # Longer sentences have more words; do not let length alone win.
        density = content / math.sqrt(max(len(words), 1))
        position = 1.0 + 1.0 / (1 + index)
        return density * position

    ranked = sorted(range(len(found)), key=lambda i: (-score(i, found[i]), i))
    picked: list[int] = []
    used = 0
    for i in ranked:
        if len(picked) == sentences:
            break
        # One character spare per sentence, for the space that may join it.
        cost = len(found[i]) + (1 if picked else 0)
        if used + cost <= max_chars:
            picked.append(i)
            used += cost
    if not picked:
        # Even the best sentence is longer than the summary may be: cut it.
        best = found[ranked[0]]
        return best[: max_chars - 1] + "…"
    summary = ""
    for i in sorted(picked):
        # Chinese sentences end in a mark and follow on directly; a line without one gets a space.
        if summary and not _ENDS.search(summary):
            summary += " "
        summary += found[i]
    return summary
