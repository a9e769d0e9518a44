"""Exact money: amounts are ``Decimal`` in 万元 in Python, integer 分 (fen) in Neo4j, decimal strings in JSON.

>>> to_fen(Decimal("725.4014"))
725401400
>>> format_wan(from_fen(725401400))
'725.4014'
>>> to_wan(Decimal("39010000"), "元")
Decimal('3901')
>>> parse_number("１３，０００")
Decimal('13000')
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation, localcontext

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分
# No allocation plan names money past 10^15 万元; a longer number is a broken cell, not an amount.
LARGEST_PLAUSIBLE_WAN = Decimal(10) ** 15
UNIT_TO_WAN = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": Decimal(10000)}

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")

# A comma that separates clauses, as a pattern: not one grouping a number's thousands (共下达资金1,234.5万元, 拨付
# 12,345,678元), which a split on every comma cuts into two figures.
CLAUSE_COMMA = r"(?:(?<!\d)[,，]|[,，](?!\d{3}(?!\d)))"


def parse_number(text: str) -> Decimal | None:
    """The exact decimal a cell shows, or None when it is not a plain number.

    Full-width digits are folded, thousands separators and spaces removed.
    """
    folded = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "").strip()
    if not _NUMBER.match(folded):
        return None
    try:
        return Decimal(folded)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return None


def to_wan(value: Decimal, unit: str) -> Decimal:
    """Convert an amount in ``unit`` (元, 万元, 亿元) to 万元, exactly."""
    return normalize(value * UNIT_TO_WAN[unit])


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation."""
    with localcontext() as context:
        context.prec = max(28, len(value.as_tuple().digits) + 10)
        quantized = value.normalize()
        return quantized.quantize(Decimal(1)) if quantized == quantized.to_integral() else quantized


def to_fen(wan: Decimal) -> int:
    """万元 to integer 分; refuses amounts finer than one 分 rather than rounding them."""
    fen = wan * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{wan} 万元 is not a whole number of 分")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    return normalize(Decimal(fen) / FEN_PER_WAN)


def format_wan(value: Decimal) -> str:
    """The decimal string used in JSON: no exponent, no trailing zeros."""
    return format(normalize(value), "f")
