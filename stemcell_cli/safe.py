"""Keep data from acting on its reader: one set of unsafe characters, one cleaner per use.

``UNSAFE`` holds the C0 controls (except tab and newline), DEL and the C1 controls, the bidi
overrides and isolates, zero-width and invisible format characters, the noncharacters U+FFFE
and U+FFFF, and the invisible tag characters (U+E0000–U+E007F): everything that can move the
cursor, start a terminal escape, reorder text or hide it (or that XML forbids). ``TOKEN`` (a
run of printable, non-space characters) is what the descriptor model allows in a URL or DOI.

Each consumer that would execute something gets its cleaner: terminals (``visible``), logs
(``one_line_visible``), JSON (``json_escaped``), XML and HTML (``xml_text``, which also keeps
out what XML forbids), Markdown (``markdown_text``, ``markdown_url``) and spreadsheets
(``csv_cell``).
"""

from __future__ import annotations

import re
from urllib.parse import quote

UNSAFE_CHARACTERS = (
    r"\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    r"\ufffe\uffff\U000e0000-\U000e007f"
)
UNSAFE = re.compile(f"[{UNSAFE_CHARACTERS}]")
TOKEN = rf"[^\s{UNSAFE_CHARACTERS}]+"  # printable, no spaces (a regex fragment, for the model)
XML_FORBIDDEN = r"\ud800-\udfff"  # beyond what is unsafe: lone surrogates
_NOT_XML = re.compile(f"[{UNSAFE_CHARACTERS}{XML_FORBIDDEN}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character shown as an escape (for terminals and logs)."""
    if text.isascii() and text.isprintable():  # the common case, checked at C speed
        return text
    return UNSAFE.sub(_escape, text)


def one_line_visible(text: str) -> str:
    """``text`` on one line, for a diagnostic: unsafe characters and line breaks shown as
    escapes (so no text from a file can start a line of its own in a log)."""
    return visible(text).replace("\n", "\\n")


def one_line(text: str | None) -> str | None:
    """One line of text: unsafe characters dropped, whitespace collapsed; None when empty."""
    if text is None:
        return None
    return " ".join(UNSAFE.sub(" ", text).split()) or None


def without_unsafe(text: str) -> str:
    """``text`` with each unsafe character replaced by a space (line breaks kept)."""
    return UNSAFE.sub(" ", text)


def json_escaped(text: str) -> str:
    """JSON text with unsafe characters written as \\u escapes (still the same JSON value;
    a character beyond U+FFFF as its UTF-16 surrogate pair, as JSON spells it)."""
    if text.isascii() and "\x7f" not in text:  # the common case, checked at C speed
        return text
    return UNSAFE.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def xml_text(text: str) -> str:
    """Text for XML or HTML character data and quoted attributes: every unsafe character and
    every character XML forbids (U+FFFE, U+FFFF, lone surrogates) shown as an escape, and
    ``& < > "`` as entities."""
    text = _NOT_XML.sub(_escape, text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]!#|~$]")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftps?|mailto|xmpp|file|javascript|data)(:)|\b(www)(\.)|(@)")
_ENTITY = {":": "&#58;", ".": "&#46;", "@": "&#64;"}


def _unlink(match: re.Match[str]) -> str:
    word = match.group(1) or match.group(3) or ""
    return word + _ENTITY[match.group(2) or match.group(4) or match.group(5)]


def markdown_text(text: str) -> str:
    """Text that Markdown shows literally: unsafe characters visible, ``& < >`` as entities,
    every character that could open a link, image, emphasis, code, math or a table cell
    backslash-escaped, and URL-like text (``https:``, ``www.``, ``@``) broken up with an
    entity so it is not turned into a link; line breaks become ``<br>``."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _AUTOLINK.sub(_unlink, _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), text))
    return text.replace("\n", "<br>")


def markdown_url(url: str) -> str | None:
    """A URL safe as a Markdown link target: http(s) only, anything but plain URL characters
    percent-encoded (spaces, brackets, quotes, controls, non-ASCII); None for other schemes."""
    if not re.match(r"(?i)https?://", url):
        return None
    return quote(url, safe="/:?#@!$&*+,;=%-._~")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)  # ASCII digits


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: unsafe characters visible, and a cell that
    starts with a formula character (``= + - @``, tab, CR) prefixed with ``'`` (OWASP), unless
    it is a number (``-0.09`` stays a number)."""
    text = visible(text)
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text
