"""Pairs of texts that share unusual wording, found without comparing every pair.

Two texts are a candidate pair when they share at least ``min(passage - 2, ceil(share × the smaller text's grams))``
character 3-grams that are *rare*: held by at least two and at most ``common`` of the texts. Wording more texts hold
is boilerplate. The search is the prefix filter of similarity joins (Bayardo, Ma and Srikant, "Scaling up all pairs
similarity search", WWW 2007): order each text's rare grams rarest first; a pair that shares ``t`` of them must share
one among the smaller text's first ``len(rare) - t + 1``, so only those are looked up in the inverted index. The work
is bounded by the prefixes times ``common``, not by the square of the number of texts, and the answer is the same as
counting every pair's shared grams (a unit test compares them).

The fourth text's opening is held by three texts, more than ``common``: boilerplate, so it pairs with nothing and
the first two share six rare grams, not eight.

>>> texts = ["甲乙丙丁戊己庚辛壬癸", "甲乙丙丁戊己庚辛壬癸子", "完全不同的一段文字", "甲乙丙丁"]
>>> [(p.first, p.second, p.shared) for p in rare_pairs(texts, common=2, passage=30, share=0.5)]
[(0, 1, 6)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

GRAM = 3


@dataclass(frozen=True, order=True)
class TextPair:
    first: int  # index of the earlier text
    second: int
    shared: int  # rare grams the two share


def grams(text: str, n: int = GRAM) -> set[str]:
    """The text's character n-grams, whitespace left out (a line break inside a cell is not wording).

    >>> sorted(grams("ab c d"))
    ['abc', 'bcd']
    """
    squashed = "".join(text.split())
    return {squashed[i : i + n] for i in range(max(0, len(squashed) - n + 1))}


def threshold(size: int, passage: int, share: float) -> int:
    """Rare grams a pair must share when its smaller text has ``size`` grams: a passage of ``passage`` characters
    (``passage - 2`` grams) or ``share`` of the smaller text's wording, whichever is fewer, and at least one. The
    share is read as the decimal it is written as (0.3 is 3/10 exactly: 0.3 × 10 in floats is above 3).

    >>> threshold(100, 30, 0.5), threshold(9, 30, 0.5), threshold(1, 30, 0.5), threshold(10, 30, 0.3)
    (28, 5, 1, 3)
    """
    part = Fraction(share).limit_denominator(1000)
    return max(1, min(passage - GRAM + 1, -(-size * part.numerator // part.denominator)))


def rare_pairs(texts: Sequence[str], common: int, passage: int, share: float) -> list[TextPair]:
    """Every pair of ``texts`` sharing at least ``threshold(smaller size, passage, share)`` grams held by
    2..``common`` texts, in index order. Grams are numbered as first seen; only the rare ones are kept per text."""
    vocab: dict[str, int] = {}
    held: list[int] = []  # texts holding each gram
    sizes: list[int] = []
    for text in texts:
        found = grams(text)
        sizes.append(len(found))
        for gram in found:
            number = vocab.setdefault(gram, len(vocab))
            if number == len(held):
                held.append(0)
            held[number] += 1
    rare: list[tuple[int, ...]] = []
    index: dict[int, list[int]] = {}
    for position, text in enumerate(texts):
        numbers = sorted(
            (held[number], number) for number in (vocab[gram] for gram in grams(text)) if 2 <= held[number] <= common
        )
        rare.append(tuple(number for _, number in numbers))
        for _, number in numbers:
            index.setdefault(number, []).append(position)
    del vocab, held
    pairs: list[TextPair] = []
    for position, own in enumerate(rare):
        # Each pair is looked up from its smaller text (ties by position), whose size sets the threshold.
        key = (sizes[position], position)
        needed = threshold(sizes[position], passage, share)
        prefix = len(own) - needed + 1
        if prefix <= 0:
            continue
        candidates = {
            other
            for number in own[:prefix]
            for other in index[number]
            if other != position and (sizes[other], other) > key
        }
        if not candidates:
            continue
        mine = set(own)
        for other in candidates:
            shared = len(mine.intersection(rare[other]))
            if shared >= needed:
                pairs.append(TextPair(min(position, other), max(position, other), shared))
    pairs.sort()
    return pairs
