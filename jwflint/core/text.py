"""Names from the file system as every output can carry them.

A POSIX file name is bytes; Python hands the bytes that are not UTF-8 over as lone surrogates
(``surrogateescape``), which no UTF-8 output can hold. ``printable`` shows each such byte as
``\\xNN``, the way Python and most tools write a byte, so every format stays valid UTF-8.
"""

from __future__ import annotations

import re

# Compiled on the first name that needs it (re caches it): the surrogate range takes ~0.5 ms to
# compile, which every command would pay at start for ASCII names.
_SURROGATE = "[\ud800-\udfff]"


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def escape_data(text: str) -> str:
    """%, CR and LF escaped as GitHub's toolkit ``escapeData`` does: one line, and reversible."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def printable(text: str) -> str:
    """``text`` with each undecodable byte (a lone surrogate) written as ``\\xNN``."""
    if text.isascii():
        return text
    return re.sub(_SURROGATE, _escaped, text)
