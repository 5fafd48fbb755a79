"""The draft report as PDF: the Word document converted by LibreOffice (``soffice --headless``).

jixiao draws no PDF itself: LibreOffice lays out the same .docx a person would file, so the PDF
and the Word document cannot differ. Where LibreOffice is not installed (or the conversion fails)
the error names the output file and says what to do, never a traceback. Each conversion runs with
its own throw-away LibreOffice profile: a LibreOffice the user has open would otherwise take the
request over and return before the file exists.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Problem, ScoringError
from ..i18n import tr

__all__ = ["CONVERTERS", "TIMEOUT_SECONDS", "docx_to_pdf", "find_converter", "require_converter"]

CONVERTERS = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 300  # a first start of LibreOffice builds its profile: tens of seconds


def find_converter() -> str | None:
    """The LibreOffice program on PATH, or None."""
    for name in CONVERTERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_converter(output: str) -> str:
    """The LibreOffice program; not installed: the ``pdf-converter-missing`` error for ``output``."""
    program = find_converter()
    if program is None:
        raise ScoringError(
            Problem(
                tr(
                    "pdf-converter-missing",
                    "cannot write a PDF: LibreOffice (soffice) is not installed; install it "
                    "(e.g. apt-get install libreoffice-writer-nogui) or write -o report.docx and "
                    "export it as PDF from Word",
                ),
                "pdf-converter-missing",
                file=output,
            )
        )
    return program


def docx_to_pdf(data: bytes, output: str) -> bytes:
    """The PDF of the .docx ``data``; ``output`` is the file it is for (named in errors)."""
    program = require_converter(output)
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        why = ""
        try:
            run = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            why = tr(
                "pdf-conversion-failed",
                "LibreOffice did not finish within {seconds} s",
                seconds=TIMEOUT_SECONDS,
            )
        except OSError as exc:
            why = tr(
                "pdf-conversion-failed",
                "LibreOffice could not be started: {reason}",
                reason=exc.strerror or exc,
            )
        else:
            pdf = work / "report.pdf"
            if run.returncode == 0 and pdf.is_file() and pdf.stat().st_size:
                return pdf.read_bytes()
            said = run.stderr.decode("utf-8", "replace").strip().splitlines()
            why = (
                tr(
                    "pdf-conversion-failed",
                    "LibreOffice exited with status {status} ({said})",
                    status=run.returncode,
                    said=said[-1],
                )
                if said
                else tr(
                    "pdf-conversion-failed",
                    "LibreOffice exited with status {status}",
                    status=run.returncode,
                )
            )
    raise ScoringError(
        Problem(
            tr(
                "pdf-conversion-failed",
                "cannot write a PDF: {why}; write -o report.docx and export it as PDF from Word "
                "or LibreOffice",
                why=why,
            ),
            "pdf-conversion-failed",
            file=output,
        )
    )
