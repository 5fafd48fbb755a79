"""Reading a user's text file safely: size checked before reading, legacy encodings decoded.

Spec, facts and review files are saved by Excel, WPS and Notepad on Chinese Windows as often as by
code editors, so besides UTF-8 this accepts UTF-8/16/32 with a byte-order mark and GB18030, and
answers UTF-16 without a mark with advice rather than garbage. Nothing here knows about YAML:
``scoring.yamlio.load`` parses what ``read_text`` returns (and re-exports it, where callers import it).
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Callable
from typing import BinaryIO, NoReturn

from ..errors import Problem, ScoringError
from ..i18n import tr

__all__ = ["PREFIX", "PathRefused", "is_shipped_name", "path_named_by_spec", "read_text"]

PREFIX = "jixiao:"  # jixiao:xinfang_weiwen, a file shipped with jixiao (scoring.yamlio.shipped)

# The systems shipped with jixiao (and their example projects): a spec anywhere may name them,
# as the shipped profiles name their bases (../self_evaluation.yaml) and the shipped cases their
# example facts (../../examples/…), or by their jixiao:NAME (scoring.yamlio.shipped finds where they are
# installed: beside the package in a checkout, inside it from a wheel).


def is_shipped_name(text: str | os.PathLike[str]) -> bool:
    """Whether a path as given names a shipped file, which ``scoring.yamlio.shipped`` finds (and
    is loaded for: most paths a user gives are files of their own)."""
    return isinstance(text, str) and text.startswith(PREFIX)


class PathRefused(ValueError):
    """A path a spec names that jixiao will not open: the message says why (code path-outside)."""


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def path_named_by_spec(written: str, spec_dir: str) -> str:
    """The path to open for a file that a spec (or its cases file) in ``spec_dir`` names: relative
    to that folder, and inside it once resolved (``..`` and symbolic links followed), or inside a
    shipped system's folder (``SHIPPED``); ``jixiao:NAME`` is the shipped file of that name
    (``scoring.yamlio.shipped.resolve``). Anything else raises ``PathRefused`` before the file is
    opened, so nothing of it can reach a message: a spec from elsewhere must not make
    ``jixiao validate`` or ``jixiao test`` read /etc/passwd or a key file and quote it back."""
    if "\0" in written:
        raise PathRefused(tr("path-outside", "the path contains a NUL character"))
    from .shipped import SHIPPED, UnknownName, resolve  # extends: and cases' facts only

    if is_shipped_name(written):
        # Looked up in the shipped folders only, never joined to spec_dir: an extends: names a
        # system, a case's facts an example; either is found.
        try:
            return resolve(written, "any")
        except UnknownName as exc:
            raise PathRefused(str(exc)) from None
    if os.path.isabs(written) or os.path.splitdrive(written)[0]:
        raise PathRefused(
            tr(
                "path-outside",
                "{path!r} is an absolute path: a spec names files relative to its own folder",
                path=written,
            )
        )
    path = os.path.normpath(os.path.join(spec_dir, written))
    root = os.path.realpath(spec_dir or ".")
    real = os.path.realpath(path)
    if _inside(real, root) or any(_inside(real, os.path.realpath(home)) for home in SHIPPED):
        return path
    if _inside(os.path.abspath(path), root):
        message = tr(
            "path-outside",
            "{path!r} is a link to a file outside the spec's folder: a spec reads files in its own "
            "folder and below, or a system shipped with jixiao (indicators/)",
            path=written,
        )
    else:
        message = tr(
            "path-outside",
            "{path!r} leads outside the spec's folder: a spec reads files in its own folder and "
            "below, or a system shipped with jixiao (indicators/)",
            path=written,
        )
    raise PathRefused(message)


def _too_large(size: int | None, limit: int) -> str:
    if size is not None and f"{size / 1e6:.1f}" != f"{limit / 1e6:.1f}":
        megabytes = {"size": f"{size / 1e6:.1f}", "limit": f"{limit / 1e6:.1f}"}
        return tr(
            "file-too-large", "file is {size} MB, larger than the {limit} MB limit", **megabytes
        )
    if size is None:  # it grew after stat() or is a pipe: only the limit is known
        return tr("file-too-large", "file is larger than the limit of {limit} bytes", limit=limit)
    return tr(  # MB would hide it
        "file-too-large",
        "file is {size} bytes, larger than the limit of {limit} bytes",
        size=size,
        limit=limit,
    )


# UTF-32's marks first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    ("UTF-8", codecs.BOM_UTF8),
    ("UTF-32-LE", codecs.BOM_UTF32_LE),
    ("UTF-32-BE", codecs.BOM_UTF32_BE),
    ("UTF-16-LE", codecs.BOM_UTF16_LE),
    ("UTF-16-BE", codecs.BOM_UTF16_BE),
)


def _looks_like_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: text of mostly ASCII has a NUL in every other byte."""
    head = raw[:400]
    if len(head) < 4:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) >= len(head) // 4 and min(even, odd) == 0


def _decode(raw: bytes, fail: Callable[[str], NoReturn]) -> str:
    for codec, bom in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                fail(
                    tr(
                        "file-encoding",
                        "file has a {codec} byte-order mark but is not {codec} (offset {offset})",
                        codec=codec,
                        offset=exc.start,
                    )
                )
    if _looks_like_utf16(raw):
        fail(
            tr(
                "file-encoding",
                "file looks like UTF-16 without a byte-order mark; save it as UTF-8 (in "
                "Excel/WPS/Notepad: 另存为 → 编码 UTF-8)",
            )
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        # What Chinese Windows tools (Excel, WPS, Notepad) save by default. Its strict decoder
        # rejects most other legacy text, e.g. a Latin-1 accent before a space or line end.
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        fail(
            tr(
                "file-encoding",
                "file is not UTF-8 (byte 0x{byte} at offset {offset}); save it as UTF-8 (in "
                "Excel/WPS/Notepad: 另存为 → 编码 UTF-8)",
                byte=format(raw[bad], "02x"),
                offset=bad,
            )
        )


def _read_at_most(handle: BinaryIO, limit: int, expected: int) -> bytes:
    """Up to ``limit`` bytes, without reserving ``limit`` bytes up front (read(5_000_001) would,
    for every 2 kB spec). Pipes report size 0 and files can grow, so read on until the end or the
    limit."""
    parts = [handle.read(min(expected + 1, limit) if expected else 65_536)]
    size = len(parts[0])
    while parts[-1] and size < limit:
        parts.append(handle.read(min(65_536, limit - size)))
        size += len(parts[-1])
    return b"".join(parts)


def read_text(
    path: str | os.PathLike[str],
    *,
    error_cls: type[ScoringError] = ScoringError,
    max_bytes: int = 5_000_000,
    display_name: str | None = None,
) -> str:
    """A text file's content: size checked before reading, decoded, newlines normalised to LF."""
    name = display_name if display_name is not None else os.fspath(path)

    def fail(code: str, message: str) -> NoReturn:
        raise error_cls(Problem(message, code, name))

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            fail("file-unreadable", tr("file-unreadable", "is a directory"))
        if info.st_size > max_bytes:
            fail("file-too-large", _too_large(info.st_size, max_bytes))
        with open(path, "rb") as handle:
            raw = _read_at_most(handle, max_bytes + 1, info.st_size)
    except FileNotFoundError:
        fail("file-unreadable", tr("file-unreadable", "no such file"))
    except PermissionError:
        fail("file-unreadable", tr("file-unreadable", "permission denied"))
    except OSError as exc:
        fail("file-unreadable", (exc.strerror or type(exc).__name__).lower())
    if len(raw) > max_bytes:
        fail("file-too-large", _too_large(None, max_bytes))
    text = _decode(raw, lambda message: fail("file-encoding", message))
    return text.replace("\r\n", "\n").replace("\r", "\n")
