from decimal import Decimal

import pytest

from fundgraph.money import format_wan, from_fen, parse_number, to_fen, to_wan


def test_amounts_round_trip_through_fen_exactly() -> None:
    for text in ["725.4014", "49.282", "136.3166", "3901", "0.000001", "1545.5986"]:
        assert format_wan(from_fen(to_fen(Decimal(text)))) == text


def test_sub_fen_amounts_are_refused_not_rounded() -> None:
    with pytest.raises(ValueError, match="not a whole number of 分"):
        to_fen(Decimal("0.0000001"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("13,000", "13000"), ("１２３．５", "123.5"), (" 86 ", "86"), ("1 234.5", "1234.5"), ("待定", None), ("", None)],
)
def test_parse_number(text: str, expected: str | None) -> None:
    result = parse_number(text)
    assert (None if result is None else format_wan(result)) == expected


def test_units_convert_to_wan_exactly() -> None:
    assert to_wan(Decimal("7254014"), "元") == Decimal("725.4014")
    assert to_wan(Decimal("0.39"), "亿元") == Decimal("3900")
    assert format_wan(to_wan(Decimal("100"), "元")) == "0.01"
