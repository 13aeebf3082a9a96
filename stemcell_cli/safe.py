"""Keep data from acting on the terminal: control and bidi characters made visible."""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control, bidi or invisible format character shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def json_escaped(text: str) -> str:
    """JSON text with C1, bidi and separator characters written as \\u escapes."""
    if text.isascii() and "\x7f" not in text:  # the common case, checked at C speed
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
