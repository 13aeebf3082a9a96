"""Keep data from acting on its reader: one set of unsafe characters, one cleaner per use.

``UNSAFE`` holds the C0 controls (except tab and newline), DEL and the C1 controls, the bidi
overrides and isolates, zero-width and invisible format characters: everything that can move
the cursor, start a terminal escape, reorder text or hide it.
"""

from __future__ import annotations

import re

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character shown as an escape (for terminals and logs)."""
    return UNSAFE.sub(_escape, text)


def one_line(text: str | None) -> str | None:
    """One line of text: unsafe characters dropped, whitespace collapsed; None when empty."""
    if text is None:
        return None
    return " ".join(UNSAFE.sub(" ", text).split()) or None


def without_unsafe(text: str) -> str:
    """``text`` with each unsafe character replaced by a space (line breaks kept)."""
    return UNSAFE.sub(" ", text)


def json_escaped(text: str) -> str:
    """JSON text with unsafe characters written as \\u escapes (still the same JSON value)."""
    if text.isascii() and "\x7f" not in text:  # the common case, checked at C speed
        return text
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
