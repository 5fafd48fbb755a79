"""Text from the inputs made harmless for the place it is written to: one function per channel.

Names, narratives, deviation reasons and record ids come from files other people wrote, and each
place jixiao writes them to runs something on its own: a spreadsheet runs a cell that starts with
``=``; a terminal runs escape sequences; a browser runs ``<script>``; an XML writer (xlsx, docx)
refuses control characters outright. Every writer passes text from the inputs through the function
of its channel, defined here once:

* ``spreadsheet_cell`` — a CSV cell: text a spreadsheet would run as a formula (starting with
  ``= + - @``, tab or carriage return) gets a leading ``'``, as OWASP recommends; a number (``-2.5``,
  ``+10%``) is left alone, so it stays a number. ``spreadsheet_unquote`` undoes it when jixiao
  reads such a file back. ``is_formula_like`` is the test, for XLSX writers: there the cell is
  typed text with Excel's quote prefix, so it shows (and stays) exactly as written;
  ``put_xlsx_value`` puts a value into an openpyxl cell that way.
* ``terminal`` — text printed to a terminal: C0 and C1 control characters (ESC and so every
  escape sequence), DEL, bidirectional overrides and line/paragraph separators are shown as
  visible escapes (``\\x1b``, ``\\u202e``) instead of acting; newlines are kept where the layout
  wants them; a tab becomes a space.
* ``html_text`` — HTML text and attribute values: ``& < > " '`` as entities, control characters
  as U+FFFD.
* ``markdown_text`` — a Markdown cell or list item: HTML as entities, a link or image cut
  (``](`` escaped), ``|`` and ``\\`` backslash-escaped, newlines as spaces, controls visible.
* ``xml_text`` / ``xlsx_text`` — text that XML 1.0 can hold (xlsx, docx): the characters it
  forbids (C0 controls but tab, newline and CR; lone surrogates; U+FFFE, U+FFFF) become U+FFFD
  (the replacement character: visible, and it says something was there). ``xlsx_text`` also cuts
  text to Excel's 32,767 characters a cell, saying so.
* ``json_string`` (``json_safe`` for a whole document) — a JSON string literal: Chinese left unescaped, but the C1 controls, the
  bidirectional overrides and U+2028/U+2029 written as ``\\uXXXX``, so the JSON is the same data
  and is safe to print (``json.dumps`` escapes only C0).

Pure functions (``put_xlsx_value`` but sets the cell it is given), linear in the text, no I/O;
imports nothing of the package, so a batch worker pays for nothing else.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = [
    "XLSX_CELL_LIMIT",
    "html_text",
    "is_formula_like",
    "json_safe",
    "json_string",
    "markdown_text",
    "put_xlsx_value",
    "spreadsheet_cell",
    "spreadsheet_unquote",
    "terminal",
    "xlsx_text",
    "xml_text",
]


@functools.cache
def _pattern(characters: str) -> re.Pattern[str]:
    """A class of characters, compiled when a channel first needs it: a class that reaches
    beyond U+00FF costs a millisecond or so to compile, at every start of every command."""
    return re.compile(characters)


# ---- spreadsheets (CSV, XLSX) ----------------------------------------------------------------

# What Excel, WPS and LibreOffice run as a formula when a cell starts with it (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number as a spreadsheet reads it: sign, digits with thousands separators, decimals, exponent,
# percent. Such a cell is data even when it starts with + or -: it is never quoted.
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (and it is not a plain number)."""
    return text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text)


def spreadsheet_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text: ``'`` in front of formula-like text."""
    return "'" + text if is_formula_like(text) else text


def spreadsheet_unquote(text: str) -> str:
    """The text ``spreadsheet_cell`` was given, from what it returned (reading jixiao's CSV back);
    any other text is returned as it is."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


# ---- XML (xlsx, docx) ------------------------------------------------------------------------

_XML_ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
REPLACEMENT = "\ufffd"
XLSX_CELL_LIMIT = 32_767  # characters a cell holds in Excel; longer text is cut by Excel itself


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _pattern(_XML_ILLEGAL).sub(REPLACEMENT, text)


def xlsx_text(text: str) -> str:
    """``xml_text``, cut to what an Excel cell holds, with a note saying how much was left out."""
    text = xml_text(text)
    if len(text) <= XLSX_CELL_LIMIT:
        return text
    kept = XLSX_CELL_LIMIT - 40  # the note is shorter than 40 characters
    return text[:kept] + f"…（超出单元格上限，以下 {len(text) - kept:,} 字略）"


def put_xlsx_value(cell: Any, value: object) -> None:
    """``value`` into an openpyxl ``cell``: a number or date as it is; text as ``xlsx_text``, and
    never a formula (a target such as "=0次" or a name such as "=HYPERLINK(…)" copied from a table
    is typed text with the quote prefix, shown as typed)."""
    if not isinstance(value, str):
        cell.value = value
        return
    text = xlsx_text(value)
    cell.value = text
    if is_formula_like(text):
        cell.data_type = "s"
        cell.quotePrefix = True


# ---- terminal ----------------------------------------------------------------------------------

# C0 controls but newline, DEL, C1 controls, the bidirectional marks, embeddings, overrides and
# isolates (Trojan Source), and the Unicode line and paragraph separators.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_TERMINAL_UNSAFE_LINE = _TERMINAL_UNSAFE.pattern[:-1] + "\n]"


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\t":
        return " "
    if char == "\n":
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str, *, newlines: bool = True) -> str:
    """``text`` as a terminal shows it without acting on it: control characters and bidi
    overrides as visible escapes (``\\x1b[2J`` is printed, not run), a tab as a space, and a
    newline kept (``newlines=False``: a space, for text that must stay on one line)."""
    pattern = _TERMINAL_UNSAFE if newlines else _pattern(_TERMINAL_UNSAFE_LINE)
    return pattern.sub(_visible, text)


# ---- HTML and Markdown -------------------------------------------------------------------------

_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def html_text(text: str) -> str:
    """Text for an HTML element or a quoted attribute value; control characters (a parse error
    in HTML) as U+FFFD, like ``xml_text``."""
    return xml_text(text).translate(_HTML)


_MARKDOWN = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "\\\\", "|": "\\|", "\n": " ", "\r": " "}
)


def markdown_text(text: str) -> str:
    """Text for inline Markdown (a table cell, a list item, a heading): never HTML (``<script>``
    as entities), a link or an image (``](`` escaped), a new table column (``|``) or a new line;
    control characters visible. Emphasis characters (``* _``) and brackets are left as they are:
    they cannot run anything, and escaping them would clutter every ``[4, 5]`` range."""
    return terminal(text.translate(_MARKDOWN).replace("](", "]\\("))


# ---- JSON --------------------------------------------------------------------------------------

_JSON_UNSAFE = "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_safe(encoded: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) with the C1 controls,
    bidi overrides and U+2028/U+2029 written as ``\\uXXXX``: these occur only inside strings,
    where the escape is the same character to a JSON reader. One pass over a whole document."""
    return _pattern(_JSON_UNSAFE).sub(_json_escape, encoded)


def json_string(text: str) -> str:
    """``text`` as a JSON string literal: Chinese as is, every control character and bidi
    override escaped (the same string to a JSON reader, harmless on a terminal)."""
    import json  # a JSON output's own: the terminal table that most runs print needs none

    return json_safe(json.dumps(text, ensure_ascii=False))
