"""Text decoding that is detected, not assumed: UTF-8 (with or without BOM), then GB18030-family encodings."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from fundgraph.errors import Location, ParseError

# GB18030 is a superset of GBK and GB2312; a file that decodes as GBK decodes identically as GB18030.
_CHINESE_FALLBACKS = ("gb18030",)


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Return the text and the encoding it was read with; refuse bytes no supported encoding decodes cleanly."""
    if not data.strip():
        raise ParseError.of("empty_file", Location(path))
    if b"\x00" in data[:4096]:
        raise ParseError.of("binary_file", Location(path))
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", path), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data).best()
    candidates = ([guess.encoding] if guess is not None else []) + list(_CHINESE_FALLBACKS)
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text, encoding
    raise ParseError.of("no_encoding", Location(path))


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError.of("invalid_encoding", Location(path), encoding=encoding, byte=exc.start) from exc


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls <= len(text) // 1000
