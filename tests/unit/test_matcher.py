"""The gazetteer matcher finds what its definition says: at each position the longest name that starts there
(characters folded by NFKC, quotation marks skipped inside a name, white space never inside one), else the next
position. The definition is written here the slow, obvious way; the matcher (which folds a text once and jumps
between characters that can start a name) must agree with it on generated names and texts."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from fundgraph.loaders.entities.matcher import QUOTES, Matcher, fold_key

# Few characters, so that names overlap, nest and repeat; full-width forms and a ligature that fold; quotes; spaces.
ALPHABET = "数字政府平台云省市ＡA１1ﬁ“”「」 \u3000"


def _definition(names: dict[str, int], text: str) -> list[tuple[int, int, str, int]]:
    keys = {fold_key(name): value for name, value in reversed(list(names.items()))}  # the first alias wins
    found = []
    position = 0
    while position < len(text):
        best = None
        folded = ""
        index = position
        while index < len(text):
            ch = text[index]
            if ch in QUOTES and index > position:
                index += 1
                continue
            if ch.isspace():
                break
            folded += unicodedata.normalize("NFKC", ch)
            index += 1
            if len(unicodedata.normalize("NFKC", ch)) == 1 and folded in keys:
                best = (index, keys[folded])
            if len(unicodedata.normalize("NFKC", ch)) != 1:
                break
        if best is not None:
            found.append((position, best[0], text[position : best[0]], best[1]))
            position = best[0]
        else:
            position += 1
    return found


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.text(ALPHABET, min_size=1, max_size=5), min_size=1, max_size=8),
    st.text(ALPHABET, max_size=40),
)
def test_the_matcher_finds_the_longest_name_at_each_position(names: list[str], text: str) -> None:
    table = {name: number for number, name in enumerate(names)}
    got = [(hit.start, hit.end, hit.text, hit.value) for hit in Matcher(table).find(text)]
    assert got == _definition(table, text)


def test_a_name_inside_quotes_and_full_width_forms() -> None:
    matcher = Matcher({"数字政府平台": "gov", "ＡＰＰ": "app"})
    assert [(h.text, h.value) for h in matcher.find("建设“数字政府”平台和APP")] == [
        ("数字政府”平台", "gov"),
        ("APP", "app"),
    ]
    assert list(matcher.find("数字 政府平台")) == []  # white space ends a name
