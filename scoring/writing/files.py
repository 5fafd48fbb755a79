"""Writing output files so that none is ever lost: the paths checked first, every write atomic.

Before any work, ``check_outputs`` compares every output path of a command with every input path
and with the other outputs — resolved, so that ``./a/../out.csv``, a symbolic link and a hard link
to the same file are the same file (``os.stat``'s device and inode where the file exists) — and
refuses what would destroy something (``[output-is-input]``, always, even with ``--force``). An
existing file is replaced only when that is what the user expects:

* a file jixiao wrote itself — an .xlsx or .docx whose document properties name jixiao as creator,
  or any other output (.csv, .jsonl, .json, .md, .html, .txt …): re-running a command replaces
  its previous output;
* an .xlsx or .docx that jixiao did not write (a filed 自评表, a hand-edited report) and a
  .yaml/.yml file (specs and facts are written by people) only with ``--force``
  (``[output-exists]``);
* ``jixiao import``'s spec.yaml, facts.yaml and stated.yaml only with ``--force``: the user edits
  them after importing (``ask=True``).

``write_file`` (and ``AtomicFile`` for output written as it is produced) writes a temporary file
in the output's folder, flushes it to disk (fsync) and renames it over the output
(``os.replace``, atomic on one file system): a full disk, an I/O error or Ctrl-C leaves the old
file as it was and no temporary file behind, and is one ``[file-unwritable]`` line naming the
output. The new file gets the old file's permissions, or the umask's for a new one (not the
temporary file's 0600).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from ..errors import Problem, ScoringError, UsageError
from ..i18n import tr, ui

__all__ = [
    "AtomicFile",
    "check_folder",
    "check_outputs",
    "made_by_jixiao",
    "unwritable",
    "write_file",
]

# Outputs people write themselves: an existing one is replaced only with --force.
_PEOPLES_SUFFIXES = frozenset({".yaml", ".yml"})
# Outputs jixiao tells from other programs' by their creator (docProps/core.xml).
_OFFICE_SUFFIXES = frozenset({".xlsx", ".docx"})
_CREATOR = re.compile(rb"<dc:creator\b[^>]*>\s*jixiao\s*</dc:creator>")
CREATOR = "jixiao"  # what the xlsx and docx writers put in the creator property


def unwritable(path: str | os.PathLike[str], exc: OSError) -> ScoringError:
    """The one error for an output that cannot be written (a full disk included)."""
    reason = exc.strerror or type(exc).__name__
    message = tr("file-unwritable", "cannot write: {reason}", reason=reason)
    return ScoringError(Problem(message, "file-unwritable", file=os.fspath(path)))


def check_folder(path: str) -> None:
    """A usage error, before any work, when the folder ``path`` would be written into is missing."""
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise UsageError(ui("{path}: folder {folder} does not exist", path=path, folder=folder))


def made_by_jixiao(path: str | os.PathLike[str]) -> bool:
    """Whether the .xlsx/.docx at ``path`` names jixiao as its creator (False for anything that
    cannot be read as one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > 1 << 16:
                return False
            return _CREATOR.search(archive.read(info)) is not None
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError):
        return False


def _identity(path: str) -> tuple[str, tuple[int, int] | None]:
    """The resolved path, and the (device, inode) of the file when it exists."""
    resolved = os.path.realpath(path)
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return resolved, None
    return resolved, (info.st_dev, info.st_ino)


def _same(a: tuple[str, tuple[int, int] | None], b: tuple[str, tuple[int, int] | None]) -> bool:
    return a[0] == b[0] or (a[1] is not None and a[1] == b[1])


def check_outputs(
    outputs: Sequence[tuple[str, str]],
    inputs: Sequence[tuple[str, str]],
    *,
    force: bool = False,
    ask: bool = False,
) -> None:
    """Refuse, before any work, outputs that would destroy an input, each other, or work.

    ``outputs`` and ``inputs`` are (how the command line names it, path) pairs, e.g.
    ``("-o", "out.csv")``, ``("SPEC", "spec.yaml")``. ``ask``: an existing output is replaced
    only with ``force`` whatever it is (import's files). Raises ScoringError located at the output.
    """
    seen_inputs = [(label, path, _identity(path)) for label, path in inputs]
    seen_outputs: list[tuple[str, str, tuple[str, tuple[int, int] | None]]] = []
    for label, path in outputs:
        identity = _identity(path)
        for other_label, other_path, other in seen_inputs:
            if _same(identity, other):
                raise _refused(
                    path,
                    tr(
                        "output-is-input",
                        "{label} is the same file as the input {other_label} {other_path}; "
                        "jixiao never writes over an input: name another output file",
                        label=label,
                        other_label=other_label,
                        other_path=other_path,
                    ),
                    "output-is-input",
                )
        for other_label, other_path, other in seen_outputs:
            if _same(identity, other):
                raise _refused(
                    path,
                    tr(
                        "output-is-input",
                        "{label} is the same file as {other_label} {other_path}; "
                        "name two different files",
                        label=label,
                        other_label=other_label,
                        other_path=other_path,
                    ),
                    "output-is-input",
                )
        seen_outputs.append((label, path, identity))
        _check_place(path)
        if not force and os.path.lexists(path):
            _check_replace(path, ask)


def _check_place(path: str) -> None:
    """The output can be created: its folder exists and is writable, and it is not a folder."""
    if os.path.isdir(path):
        message = tr("file-unwritable", "cannot write: it is a folder; name a file")
        raise _refused(path, message, "file-unwritable")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise unwritable(path, OSError(errno.ENOENT, os.strerror(errno.ENOENT)))
    if not os.access(folder, os.W_OK):
        code = errno.EACCES
        with contextlib.suppress(OSError):
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                code = errno.EROFS
        raise unwritable(path, OSError(code, os.strerror(code)))


def _check_replace(path: str, ask: bool) -> None:
    if _is_special(path):
        return  # /dev/null, /dev/stdout, a named pipe: written to, not replaced
    suffix = Path(path).suffix.casefold()
    if ask or suffix in _PEOPLES_SUFFIXES:
        message = tr("output-exists", "exists; use --force to replace it")
        raise _refused(path, message, "output-exists")
    if suffix in _OFFICE_SUFFIXES and not made_by_jixiao(path):
        raise _refused(
            path,
            tr("output-exists", "exists and was not written by jixiao; use --force to replace it"),
            "output-exists",
        )


def _refused(path: str, message: str, code: str) -> ScoringError:
    return ScoringError(Problem(message, code, file=path))


def _new_file_mode(path: str) -> int:
    """The permissions the output gets: the old file's, or what the umask gives a new file."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(os.stat(path).st_mode)
    umask = 0o022
    try:  # Linux names the umask here; reading it elsewhere means setting it, briefly
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                umask = int(line.split()[1], 8)
    except (OSError, ValueError):
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


class AtomicFile:
    """An output written through a temporary file beside it, renamed over it by ``commit``.

    ``write`` (or the handle ``open()`` gives, for a library that writes to a file object);
    ``commit()`` flushes, fsyncs and renames; ``abort()`` closes and removes the temporary file.
    Every OSError is ``unwritable(path)``, raised after the temporary file is removed. An output
    that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe) cannot
    be replaced, and is written directly (``direct``).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        # An output that is a symbolic link is written where it points, as open() would: the
        # link stays a link (a hard link, though, is replaced by a new file, as any atomic save).
        self.direct = _is_special(self.path)
        self.target = self.path
        if not self.direct and os.path.islink(self.path):
            self.target = os.path.realpath(self.path)
        self.temp = ""
        try:
            if self.direct:  # by the name given: /dev/stdout is a link to /proc/self/fd/1
                self.handle: BinaryIO | None = open(self.path, "wb")  # noqa: SIM115
                return
            folder, name = os.path.split(os.path.abspath(self.target))
            descriptor, self.temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        except OSError as exc:
            raise unwritable(self.path, exc) from None
        self.handle = os.fdopen(descriptor, "wb")

    def open(self) -> BinaryIO:
        assert self.handle is not None, "committed or aborted"
        return self.handle

    def write(self, data: bytes) -> None:
        try:
            self.open().write(data)
        except OSError as exc:
            self.abort()
            raise unwritable(self.path, exc) from None
        except BaseException:
            self.abort()
            raise

    def commit(self) -> None:
        try:
            handle = self.open()
            handle.flush()
            if not self.direct:
                os.fsync(handle.fileno())
            self.handle = None
            handle.close()
            if not self.direct:
                os.chmod(self.temp, _new_file_mode(self.target))
                os.replace(self.temp, self.target)
        except OSError as exc:
            self.abort()
            raise unwritable(self.path, exc) from None
        except BaseException:  # Ctrl-C: the old file stays, and no temporary file
            self.abort()
            raise
        if not self.direct:
            _sync_folder(self.target)

    def abort(self) -> None:
        if self.handle is not None:
            handle, self.handle = self.handle, None
            with contextlib.suppress(OSError):
                handle.close()
        if self.temp:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)


def _is_special(path: str) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a folder (a device, a pipe)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _sync_folder(path: str) -> None:
    """Make the rename itself durable; a file system that cannot sync a folder is no error."""
    with contextlib.suppress(OSError):
        descriptor = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_file(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write text (UTF-8, newlines as given) or bytes to ``path`` atomically; any failure is one
    ``[file-unwritable]`` ScoringError and leaves the old file (if any) untouched."""
    encoded = data.encode("utf-8") if isinstance(data, str) else data
    output = AtomicFile(path)
    try:
        output.write(encoded)
    except BaseException:
        output.abort()
        raise
    output.commit()
