"""Hostile batch inputs: each one record (or one header) built to break a reader, and each checked
with the whole output: every other record scored, the hostile one as its own located error row
(or, for a header, one error of the file). Where a record could cost time or memory out of
proportion to its size, the run is bounded by tests/security/limits.py (under a second and 200 MB).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run
from security.limits import assert_bounded
from test_batch_isolation import (
    GOOD,
    LAST,
    XLSX_HEADER,
    number_cell,
    read_output,
    spec_file,
    text_cell,
    write_xlsx,
    xlsx_row,
)

from scoring.batch.run import run_batch

Jixiao = Callable[..., Run]
HEAD = "id,budget,spent\n"
FIRST = "P1,100,95\n"
END = "P9,100,100\n"
NOT_A_NUMBER = (
    "values.budget: fact 'budget': {text} is not a number with a unit: expected a number with an "
    "optional unit such as '110万元', '99.14%' or '158批次' [not-a-number]"
)


def _batch(jixiao: Jixiao, source: Path, *options: str) -> tuple[int, list[list[str]]]:
    folder = source.parent
    run = jixiao("batch", str(spec_file(folder)), str(source), "-o", str(folder / "out.csv"))
    assert run.out == ""
    return run.code, read_output(folder / "out.csv")


def _bounded(source: Path, label: str) -> None:
    spec = str(spec_file(source.parent))
    out = str(source.parent / "bounded.csv")
    assert_bounded(lambda: run_batch(spec, [str(source)], out), label)


def _csv(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _error_row(source: Path, where: str, record_id: str, message: str) -> list[str]:
    return [record_id, "", "", "", f"{source}:{where}: {message}", f"{source}:{where}"]


# ---- CSV ------------------------------------------------------------------------------------------
def test_a_nul_byte_in_a_cell(jixiao: Jixiao, tmp_path: Path) -> None:
    source = _csv(tmp_path, HEAD + FIRST + "P2,1\x0000,95\n" + END)
    code, rows = _batch(jixiao, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        _error_row(
            source,
            "row 3",
            "P2",
            "values.budget: fact 'budget': '1\\x0000' is not a number with a unit: unexpected "
            "text '\\x0000' after the number [not-a-number]",
        ),
        [*LAST, f"{source}:row 4"],
    ]


@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["header", "header with BOM"])
def test_a_header_repeated_mid_file(jixiao: Jixiao, tmp_path: Path, bom: str) -> None:
    """Two exports joined (cat a.csv b.csv): the second header, with or without its BOM, is a
    record of the first whose amounts do not read."""
    source = _csv(tmp_path, HEAD + FIRST + bom + HEAD + END)
    code, rows = _batch(jixiao, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        _error_row(
            source,
            "row 3",
            bom + "id",
            NOT_A_NUMBER.format(text="'budget'")
            + f"\n{source}:row 3: "
            + NOT_A_NUMBER.format(text="'spent'").replace("budget", "spent"),
        ),
        [*LAST, f"{source}:row 4"],
    ]


def test_a_row_of_10000_cells(jixiao: Jixiao, tmp_path: Path) -> None:
    source = _csv(tmp_path, HEAD + FIRST + "P2" + ",1" * 9_999 + "\n" + END)
    code, rows = _batch(jixiao, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        _error_row(
            source,
            "row 3",
            "P2",
            "has 10000 cells, the header has 3: an unquoted comma (e.g. in 1,100,000) shifts the "
            "columns; quote the cell or drop the separator [batch-row-width]",
        ),
        [*LAST, f"{source}:row 4"],
    ]
    _bounded(source, "batch: a row of 10,000 cells")


def test_a_header_of_10000_columns(jixiao: Jixiao, tmp_path: Path) -> None:
    """A wrong file (10,000 columns the spec does not know) is one error of the file, every
    column named; near names are looked for only for the first hundred problems."""
    names = [f"c{n}" for n in range(9_997)]
    source = _csv(tmp_path, ",".join(["id", "budget", "spent", *names]) + "\n" + FIRST)
    out = tmp_path / "out.csv"
    run = jixiao("batch", str(spec_file(tmp_path)), str(source), "-o", str(out))
    assert (run.code, run.out) == (1, "")
    assert run.err == "".join(
        f"{source}:1:{n + 4}: unknown column '{name}': not a fact id or label, a project field, "
        "'<indicator>.tier' …, or not_applicable [batch-unknown-column]\n"
        for n, name in enumerate(names)
    )
    assert not out.exists()
    _bounded(source, "batch: a header of 10,000 columns")


def test_a_quote_never_closed_at_the_end_of_the_file(jixiao: Jixiao, tmp_path: Path) -> None:
    source = _csv(tmp_path, HEAD + FIRST + END + 'P3,"100,95\nP4,100,95\n')
    code, rows = _batch(jixiao, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        [*LAST, f"{source}:row 3"],
        _error_row(
            source,
            "row 4",
            "row 4",
            "is not valid CSV: a quote opened in this row is never closed before the end of the "
            "file [csv-syntax]",
        ),
    ]


def test_text_after_a_closing_quote(jixiao: Jixiao, tmp_path: Path) -> None:
    source = _csv(tmp_path, HEAD + FIRST + 'P4,"100"x,95\n' + END)
    code, rows = _batch(jixiao, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        _error_row(
            source, "row 3", "row 3", "is not valid CSV: ',' expected after '\"' [csv-syntax]"
        ),
        [*LAST, f"{source}:row 4"],
    ]


def test_a_record_id_of_100000_characters(jixiao: Jixiao, tmp_path: Path) -> None:
    record_id = "项" * 100_000
    source = _csv(tmp_path, HEAD + f"{record_id},100,95\n" + END)
    code, rows = _batch(jixiao, source)
    assert code == 0
    assert rows == [[record_id, *GOOD[1:], f"{source}:row 2"], [*LAST, f"{source}:row 3"]]
    _bounded(source, "batch: an id of 100,000 characters")


def test_a_formula_looking_id_is_written_as_text(jixiao: Jixiao, tmp_path: Path) -> None:
    source = _csv(tmp_path, HEAD + '"=HYPERLINK(""http://x"",""点击"")",100,95\n' + END)
    code, rows = _batch(jixiao, source)
    assert code == 0
    assert rows == [
        ['\'=HYPERLINK("http://x","点击")', *GOOD[1:], f"{source}:row 2"],
        [*LAST, f"{source}:row 3"],
    ]


def test_a_cell_longer_than_csvs_own_field_limit(jixiao: Jixiao, tmp_path: Path) -> None:
    """csv refuses a cell over 131,072 characters by default, which stopped the whole file."""
    source = _csv(tmp_path, HEAD + FIRST + "P2," + "9" * 200_000 + ",95\n" + END)
    code, rows = _batch(jixiao, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        _error_row(
            source,
            "row 3",
            "P2",
            f"values.budget: fact 'budget': '{'9' * 60}…' is too large: at most 15 digits are "
            "allowed before the decimal point [number-too-large]",
        ),
        [*LAST, f"{source}:row 4"],
    ]


def test_lines_ended_by_carriage_returns_alone(jixiao: Jixiao, tmp_path: Path) -> None:
    """Old Mac line ends: csv reads them; the block cutting for workers does not, and hands the
    file to the exact reading."""
    source = _csv(tmp_path, (HEAD + FIRST + END).replace("\n", "\r"))
    for workers in ("1", "2"):
        run = jixiao(
            "batch",
            str(spec_file(tmp_path)),
            str(source),
            "-o",
            str(tmp_path / "out.csv"),
            "--workers",
            workers,
        )
        assert run.code == 0
        assert read_output(tmp_path / "out.csv") == [
            [*GOOD, f"{source}:row 2"],
            [*LAST, f"{source}:row 3"],
        ]


def test_a_line_of_20_mb_is_streamed_past(jixiao: Jixiao, tmp_path: Path) -> None:
    """The line is never held: the run stays under 200 MB (a 300 MB line took 1 GB)."""
    long_line = "P2," + "9" * 20_000_000 + ",95\n"
    source = _csv(tmp_path, HEAD + FIRST + long_line + END)
    code, rows = _batch(jixiao, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        _error_row(
            source,
            "row 3",
            "row 3",
            "is 20,000,007 characters long, more than the 1,048,576 a record may have; it was "
            "skipped unread (look for a quote never closed, or lines run together) "
            "[record-too-long]",
        ),
        [*LAST, f"{source}:row 4"],
    ]
    _bounded(source, "batch: a CSV line of 20 MB")


# ---- JSON Lines -----------------------------------------------------------------------------------
def _jsonl(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "P1", "budget": "100", "spent": "95"}\n'
        + line
        + '\n{"id": "P9", "budget": 100, "spent": 100}\n',
        encoding="utf-8",
    )
    return path


def _json_result(jixiao: Jixiao, source: Path, middle: list[str]) -> None:
    code, rows = _batch(jixiao, source)
    assert code == (1 if middle[4] else 0)
    assert rows == [
        [*GOOD, f"{source}:line 1"],
        [*middle[:4], middle[4] and f"{source}:line 2: {middle[4]}", f"{source}:line 2"],
        [*LAST, f"{source}:line 3"],
    ]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("[1, 2]", "an array"),
        ("42", "a number"),
        ("null", "null"),
        ('"P1"', "a string"),
        ("true", "true or false"),
    ],
)
def test_a_json_line_that_is_not_an_object(
    jixiao: Jixiao, tmp_path: Path, line: str, kind: str
) -> None:
    message = f"expected a JSON object (a facts mapping or a flat record), got {kind} [facts-shape]"
    _json_result(jixiao, _jsonl(tmp_path, line), ["line 2", "", "", "", message])


def test_a_key_given_twice_in_a_json_line(jixiao: Jixiao, tmp_path: Path) -> None:
    source = _jsonl(tmp_path, '{"id": "D", "budget": "100", "budget": "90", "spent": "95"}')
    message = "key 'budget' appears twice in one object; give each key once [duplicate-key]"
    _json_result(jixiao, source, ["line 2", "", "", "", message])


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals(jixiao: Jixiao, tmp_path: Path, literal: str) -> None:
    source = _jsonl(tmp_path, f'{{"id": "N", "budget": {literal}, "spent": "95"}}')
    message = (
        f"values.budget: fact 'budget': '{literal}' is not a finite number: expected an ordinary "
        "number such as '110' [not-finite]"
    )
    _json_result(jixiao, source, ["N", "", "", "", message])


def test_a_nul_character_in_a_json_id(jixiao: Jixiao, tmp_path: Path) -> None:
    source = _jsonl(tmp_path, '{"id": "A\\u0000B", "budget": "100", "spent": "95"}')
    _json_result(jixiao, source, ["A\x00B", *GOOD[1:]])


def test_a_json_line_of_60000_keys(jixiao: Jixiao, tmp_path: Path) -> None:
    """A flat record has one key per column; 60,000 made-up keys are refused as a whole, not
    looked up one by one (about a second per line)."""
    keys = ", ".join(f'"列{n}": 0' for n in range(60_000))
    source = _jsonl(tmp_path, '{"id": "K", ' + keys + "}")
    message = "has 60,001 keys; a flat record has one key per column, at most 10,000 [facts-shape]"
    _json_result(jixiao, source, ["K", "", "", "", message])
    _bounded(source, "batch: a JSON line of 60,000 keys")


def test_a_json_line_of_200_unknown_keys_lists_the_first_50(jixiao: Jixiao, tmp_path: Path) -> None:
    keys = ", ".join(f'"列{n}": 0' for n in range(200))
    source = _jsonl(tmp_path, "{" + keys + "}")
    message = "; ".join(
        f"unknown column '列{n}': not a fact id or label, a project field, '<indicator>.tier' …, "
        "or not_applicable"
        for n in range(50)
    )
    _json_result(
        jixiao, source, ["line 2", "", "", "", f"{message}; and 150 more [batch-unknown-column]"]
    )


def test_100000_nested_brackets(jixiao: Jixiao, tmp_path: Path) -> None:
    source = _jsonl(tmp_path, "[" * 100_000 + "]" * 100_000)
    message = (
        "nests deeper than 100 levels (objects and arrays inside each other); a record is an "
        "object of two or three levels [json-too-deep]"
    )
    _json_result(jixiao, source, ["line 2", "", "", "", message])
    _bounded(source, "batch: 100,000 nested brackets")


def test_an_integer_of_100000_digits(jixiao: Jixiao, tmp_path: Path) -> None:
    source = _jsonl(tmp_path, '{"id": "B", "budget": ' + "9" * 100_000 + ', "spent": "95"}')
    message = (
        f"values.budget: fact 'budget': '{'9' * 60}…' is too large: at most 15 digits are "
        "allowed before the decimal point [number-too-large]"
    )
    _json_result(jixiao, source, ["B", "", "", "", message])
    _bounded(source, "batch: an integer of 100,000 digits")


# ---- XLSX -----------------------------------------------------------------------------------------
def test_an_xlsx_whose_dimension_claims_every_row_and_column(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    """The sheet says A1:XFD1048576 and holds three rows: only what it holds is read."""
    source = write_xlsx(
        tmp_path / "in.xlsx",
        [XLSX_HEADER, xlsx_row(2, "P1", "100", "95"), xlsx_row(3, "P9", "100", "100")],
        dimension="A1:XFD1048576",
    )
    code, rows = _batch(jixiao, source)
    assert code == 0
    assert rows == [[*GOOD, f"{source}:row 2"], [*LAST, f"{source}:row 3"]]
    _bounded(source, "batch: an XLSX claiming 1,048,576 rows")


def test_an_xlsx_whose_header_row_is_empty(jixiao: Jixiao, tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "in.xlsx", ["", xlsx_row(2, "P1", "100", "95")])
    out = tmp_path / "out.csv"
    run = jixiao("batch", str(spec_file(tmp_path)), str(source), "-o", str(out))
    assert (run.code, run.out) == (1, "")
    assert run.err == f"{source}:1: row 1 is empty: expected a header row [batch-no-header]\n"
    assert not out.exists()


def test_an_xlsx_value_in_the_last_column(jixiao: Jixiao, tmp_path: Path) -> None:
    """A value in column XFD is the row's error, without making a row of 16,384 cells."""
    bad = xlsx_row(3, "B", "100", "95") + number_cell("XFD3", "1")
    source = write_xlsx(
        tmp_path / "in.xlsx",
        [XLSX_HEADER, xlsx_row(2, "P1", "100", "95"), bad, xlsx_row(4, "P9", "100", "100")],
    )
    code, rows = _batch(jixiao, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        _error_row(
            source,
            "row 3",
            "B",
            "has a value in column 16384, right of the header's 3 columns [batch-row-width]",
        ),
        [*LAST, f"{source}:row 4"],
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ('<c r="B3" t="s"><v>999</v></c>', NOT_A_NUMBER.format(text="'#REF!'")),
        ('<c r="B3" t="b"><v>x</v></c>', NOT_A_NUMBER.format(text="'x'")),
        ('<c r="B3" t="d"><v>not a date</v></c>', NOT_A_NUMBER.format(text="'not a date'")),
        (
            number_cell("B3", "INF"),
            (
                "values.budget: fact 'budget': 'INF' is not a finite number: expected an "
                "ordinary number such as '110' [not-finite]"
            ),
        ),
    ],
    ids=["shared text that is not there", "boolean x", "date that is not one", "INF"],
)
def test_xlsx_cells_openpyxl_cannot_read(
    jixiao: Jixiao, tmp_path: Path, cell: str, message: str
) -> None:
    bad = text_cell("A3", "B") + cell + number_cell("C3", "95")
    source = write_xlsx(
        tmp_path / "in.xlsx",
        [XLSX_HEADER, xlsx_row(2, "P1", "100", "95"), bad, xlsx_row(4, "P9", "100", "100")],
    )
    code, rows = _batch(jixiao, source)
    assert code == 1
    assert rows == [
        [*GOOD, f"{source}:row 2"],
        _error_row(source, "row 3", "B", message),
        [*LAST, f"{source}:row 4"],
    ]


def test_an_xlsx_row_number_that_is_not_one(jixiao: Jixiao, tmp_path: Path) -> None:
    """<row r="x"> is taken for the row after the one before it."""
    source = write_xlsx(
        tmp_path / "in.xlsx",
        [
            XLSX_HEADER,
            xlsx_row(2, "P1", "100", "95"),
            '<row r="x">' + xlsx_row(3, "P9", "100", "100") + "</row>",
        ],
    )
    code, rows = _batch(jixiao, source)
    assert code == 0
    assert rows == [[*GOOD, f"{source}:row 2"], [*LAST, f"{source}:row 3"]]


def test_an_xlsx_sheet_that_is_not_xml_is_an_error_of_the_file(
    jixiao: Jixiao, tmp_path: Path
) -> None:
    """A character reference to half a character (&#xD800;) is not XML: nothing after it can be
    trusted, so the file is refused, as a workbook that does not open is."""
    source = write_xlsx(
        tmp_path / "in.xlsx",
        [XLSX_HEADER, xlsx_row(2, "P1", "100", "95"), xlsx_row(3, "&#xD800;", "100", "95")],
    )
    out = tmp_path / "out.csv"
    run = jixiao("batch", str(spec_file(tmp_path)), str(source), "-o", str(out))
    assert (run.code, run.out) == (1, "")
    sheet = zipfile.ZipFile(source).read("xl/worksheets/sheet1.xml").decode("utf-8")
    column = sheet.index("&#xD800;")  # where the XML parser stops, counted from 0
    assert run.err == (
        f"{source}: cannot read sheet 'Sheet': reference to invalid character number: line 1, "
        f"column {column} [file-unreadable]\n"
    )
    assert not out.exists()
