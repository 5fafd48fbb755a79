"""Streaming one XML part of an Office zip, safely: no DTD, a bounded number of elements.

The parts of an .xlsx are parsed with expat through handlers, never into a tree, so memory does not
grow with the part. What makes untrusted XML dangerous is refused or bounded here, once for every
part: a ``<!DOCTYPE>`` (the door to entity bombs and external entities; no Office file has one) is
refused when it starts, before any entity is declared; the elements of the whole file share one
budget (``Budget``), so a sheet of a million empty ``<c/>`` elements stops at the budget, not at
the end; and every XML or zip error becomes a ``table-xml`` / ``table-format`` problem naming the
part and the line and column, never a traceback.

Character references to control characters (``&#x1b;``) are not well-formed XML 1.0, but a
program writing cells carelessly produces them; they are turned into the OOXML escape
(``_x001B_``) before parsing, which ``unescape`` turns back into the character, so the cell keeps
its text and the rest of the table is read.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from typing import IO
from xml.parsers import expat

from ..i18n import tr
from .sheet import TableError
from .zip_guard import UNPACK_ERRORS, damaged, dtd_refused

__all__ = ["Budget", "XmlRefused", "local", "parse_part", "unescape"]

_CHUNK = 1 << 16
_CHAR_REF = re.compile(rb"&#(x[0-9a-fA-F]{1,8}|[0-9]{1,10});")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class XmlRefused(Exception):
    """Raised from a handler to stop the parse with a message (the part is added by the caller)."""

    def __init__(self, message: str, code: str = "table-xml", path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = path


class Budget:
    """The elements one file may still hold (all its parts together)."""

    def __init__(self, elements: int) -> None:
        self.limit = elements
        self.left = elements

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise XmlRefused(
                tr(
                    "table-too-large",
                    "holds more than {limit:,} XML elements; a 自评表 has a few thousand "
                    "(raise the limits with --max-cells if the file is genuine)",
                    limit=self.limit,
                ),
                "table-too-large",
            )


def local(name: str) -> str:
    """The local name of an expat ``namespace name`` pair (transitional and strict OOXML alike)."""
    return name.rpartition(" ")[2]


def unescape(text: str) -> str:
    """OOXML's ``_xHHHH_`` escapes (how Excel stores control characters) back to characters."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def parse_part(
    archive: zipfile.ZipFile,
    file: str,
    part: str,
    budget: Budget,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Feed ``part`` through expat to the handlers (local names, attributes by local name)."""

    def on_start(name: str, attrs: dict[str, str]) -> None:
        budget.spend()
        start(local(name), {local(key): value for key, value in attrs.items()} if attrs else attrs)

    def on_end(name: str) -> None:
        if end is not None:
            end(local(name))

    def refuse_dtd(*_: object) -> None:
        raise XmlRefused(dtd_refused())

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    try:
        with archive.open(part) as stream:
            _feed(parser, stream)
    except XmlRefused as exc:
        raise TableError.at(exc.message, exc.code, file=file, path=exc.path or part) from None
    except expat.ExpatError as exc:
        reason = expat.errors.messages[exc.code] if exc.code else str(exc)
        raise TableError.at(
            tr(
                "table-xml",
                "XML error at line {line}, column {column}: {reason}; the file is damaged or "
                "was not written by an office program (open and save it in Excel or WPS)",
                line=exc.lineno,
                column=exc.offset + 1,
                reason=reason,
            ),
            "table-xml",
            file=file,
            path=part,
        ) from None
    except KeyError:
        raise TableError.at(
            tr("table-xml", "the part {part} is missing from the file", part=part),
            "table-xml",
            file=file,
        ) from None
    except UNPACK_ERRORS as exc:
        raise damaged(file, part, exc) from None


def _feed(parser: expat.XMLParserType, stream: IO[bytes]) -> None:
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        data = carry + chunk
        carry = b""
        if chunk:
            # A reference cut by the chunk's end waits for the next chunk.
            amp = data.rfind(b"&", max(0, len(data) - 12))
            if amp >= 0 and b";" not in data[amp:]:
                data, carry = data[:amp], data[amp:]
        parser.Parse(_CHAR_REF.sub(_escape_ref, data), not chunk)
        if not chunk:
            return


def _escape_ref(match: re.Match[bytes]) -> bytes:
    """``&#x1b;`` → ``_x001B_``: a character XML 1.0 forbids (C0 controls but tab, LF, CR; FFFE,
    FFFF); any other reference is left for expat."""
    digits = match.group(1)
    number = int(digits[1:], 16) if digits[:1] == b"x" else int(digits)
    if (number < 0x20 and number not in (9, 10, 13)) or number in (0xFFFE, 0xFFFF):
        return b"_x%04X_" % number
    return match.group(0)
