"""Chinese first on the tables side (issue 17): whole messages of bad table files, review findings
of real filed 自评表, batch rows and the batch summary, and a report's refusal, in Chinese — the
default, with no --lang and no JIXIAO_LANG — and in English with ``--lang en``.

The rest of the suite asserts these messages in English only (tests/conftest.py sets
JIXIAO_LANG=en); the Chinese ones here are what tables.po says, read by a reviewer.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, Run

from scoring.errors import ScoringError
from scoring.i18n import using
from scoring.report import pdf
from scoring.review import review_table

Jixiao = Callable[..., Run]

REAL = ROOT / "tests" / "tables" / "real"
FORMATS = ROOT / "tests" / "tables" / "formats"
SPEC = str(ROOT / "indicators" / "xinfang_weiwen.yaml")
SEED_FACTS = ROOT / "examples" / "hengnan_xinfang_2021.yaml"


@pytest.fixture
def chinese_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """No --lang and no JIXIAO_LANG: what a user who sets nothing gets."""
    monkeypatch.delenv("JIXIAO_LANG", raising=False)


def _both(jixiao: Jixiao, *argv: str) -> tuple[Run, Run]:
    """The command run as a user who sets nothing (Chinese), then with --lang en."""
    return jixiao(*argv), jixiao("--lang", "en", *argv)


# ---------------------------------------------------------------------------- bad table files


def _empty(folder: Path) -> Path:
    path = folder / "空表.csv"
    path.write_bytes(b"")
    return path


def _ods(folder: Path) -> Path:
    path = folder / "自评表.ods"
    path.write_bytes(b"PK\x03\x04")
    return path


def _text_as_xlsx(folder: Path) -> Path:
    path = folder / "自评表.xlsx"
    path.write_text("三级指标,分值\n", encoding="utf-8")
    return path


def _old_word(folder: Path) -> Path:
    path = folder / "自评表.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    return path


def _no_header(folder: Path) -> Path:
    path = folder / "名单.csv"
    path.write_text("姓名,金额\n张三,100\n", encoding="utf-8")
    return path


def _dtd(folder: Path) -> Path:
    path = folder / "实体.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Relationships/>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return path


def _missing(folder: Path) -> Path:
    return folder / "不存在.xlsx"


BAD_FILES = [
    (_empty, "是空文件（0 字节） [table-format]", "is empty (0 bytes) [table-format]"),
    (
        _ods,
        (
            "无法读取 .ods：jixiao 读取 .xlsx、.xlsm、.xls、.docx、.pdf（须有文字层）和 .csv 文件；"
            ".et、.wps、.ods 等文件请先另存为 .xlsx（另存为 → Excel 工作簿） [table-format]"
        ),
        (
            "cannot read .ods: jixiao reads .xlsx, .xlsm, .xls, .docx, .pdf (with a text layer) and "
            ".csv files; save .et, .wps, .ods or other files as .xlsx first (另存为 → Excel 工作簿) "
            "[table-format]"
        ),
    ),
    (
        _text_as_xlsx,
        (
            "不是可读取的 .xlsx 工作簿：其内容不属于 jixiao 读取的任何格式（.xlsx、.xlsm、.xls、.docx、"
            ".pdf（须有文字层）和 .csv）；请用生成该文件的程序打开后重新保存 [table-format]"
        ),
        (
            "not a readable .xlsx workbook: its content is none of the formats jixiao reads (.xlsx, "
            ".xlsm, .xls, .docx, .pdf (with a text layer) and .csv); open it in the program that "
            "wrote it and save it again [table-format]"
        ),
    ),
    (
        _old_word,
        (
            "是旧版 Word .doc 文件或设有密码保护的 .docx，jixiao 无法打开；请另存为不带密码的 .docx"
            "（另存为 → Word 文档） [table-format]"
        ),
        (
            "is an old Word .doc file or a password-protected .docx, which jixiao cannot open; save "
            "it as .docx (另存为 → Word 文档) without a password [table-format]"
        ),
    ),
    (
        _no_header,
        (
            "未找到自评表：没有一个工作表有指标表头行（三级指标 | 年度指标值 | 实际完成值 | 分值 | "
            "得分） [table-no-header]"
        ),
        (
            "no 自评表 found: no sheet has an indicator header row (三级指标 | 年度指标值 | 实际完成值 "
            "| 分值 | 得分) [table-no-header]"
        ),
    ),
    (
        _dtd,
        "_rels/.rels: 含有 DTD（<!DOCTYPE …>），正常的 Office 文件不会有：不予读取 [table-xml]",
        (
            "_rels/.rels: has a DTD (<!DOCTYPE …>), which no Office file has: refused unread "
            "[table-xml]"
        ),
    ),
    (_missing, "文件不存在 [table-missing]", "no such file [table-missing]"),
]


@pytest.mark.parametrize(("make", "chinese", "english"), BAD_FILES)
def test_a_bad_table_file_is_refused_in_both_languages(
    jixiao: Jixiao,
    tmp_path: Path,
    chinese_by_default: None,
    make: Callable[[Path], Path],
    chinese: str,
    english: str,
) -> None:
    path = make(tmp_path)
    zh, en = _both(jixiao, "review", str(path))
    assert (zh.code, zh.out, zh.err) == (1, "", f"{path}: {chinese}\n")
    assert (en.code, en.out, en.err) == (1, "", f"{path}: {english}\n")


def test_a_zip_bomb_is_refused_unread_in_both_languages(
    jixiao: Jixiao, tmp_path: Path, chinese_by_default: None
) -> None:
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (4 << 20))
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    ratio = f"{info.file_size // info.compress_size:,}"
    zh, en = _both(jixiao, "review", str(path))
    assert zh.err == (
        f"{path}: xl/worksheets/sheet1.xml: 解压后是压缩大小的 {ratio} 倍（上限 200）："
        "这是 zip 炸弹，不是表格 [table-too-large]\n"
    )
    assert en.err == (
        f"{path}: xl/worksheets/sheet1.xml: unpacks {ratio} times larger than it is packed "
        "(limit 200): a zip bomb, not a table [table-too-large]\n"
    )


def test_a_sheet_that_is_not_there_in_both_languages(
    jixiao: Jixiao, chinese_by_default: None
) -> None:
    table = FORMATS / "自评表.xlsx"
    zh, en = _both(jixiao, "review", str(table), "--sheet", "表9")
    assert zh.err == f"{table}: 没有名为 '表9' 的工作表；该工作簿的工作表为 Sheet1 [table-sheet]\n"
    assert en.err == f"{table}: no sheet named '表9'; the workbook has Sheet1 [table-sheet]\n"


def test_max_cells_is_refused_and_explained_in_both_languages(
    jixiao: Jixiao, chinese_by_default: None
) -> None:
    zh, en = _both(jixiao, "review", "t.xlsx", "--max-cells", "0")
    assert zh.code == en.code == 2
    assert zh.err.splitlines()[0] == (
        "jixiao review：错误：参数 --max-cells：应为大于 0 的整数单元格数，实为 '0'"
    )
    assert en.err.splitlines()[0] == (
        "jixiao review: error: argument --max-cells: expected a whole number of cells above 0, "
        "got '0'"
    )


# ---------------------------------------------------------------------------- review findings

# (real table, code, cell, the finding in Chinese, in English): one of each kind the tables of
# tests/tables/real give, as a reviewer at a finance bureau reads them and as --lang en says them.
FINDINGS = [
    (
        "01",
        "weight_not_printed",
        "Sheet1!G24",
        "公众满：分值未填（由表中合计推出 10，见导入说明）",
        "公众满: 分值 is not filled in (inferred as 10 from the table's sums, see the import notes)",
    ),
    (
        "01",
        "unreadable_value",
        "Sheet1!E7",
        "全年预算数为 0：无法计算预算执行率",
        "全年预算数 is 0: 预算执行率 cannot be computed",
    ),
    (
        "01",
        "truncated_row",
        "Sheet1!D24",
        "公众满：表格在此行后结束（没有总分行），本行得分为空：该行可能被截断",
        (
            "公众满: the table ends after this row (no total row) and its 得分 is empty: the row may "
            "be cut off"
        ),
    ),
    (
        "01",
        "unnamed_row",
        "Sheet1!D23",
        "第 23 行只有二级指标“经济效益指标”，没有指标名称和数值",
        "row 23 has only the 二级指标 “经济效益指标”, no indicator name and no values",
    ),
    (
        "01",
        "execution_rate_mismatch",
        "Sheet1!H7",
        "执行率填报 0，全年执行数 ÷ 全年预算数 = 100.00%",
        "执行率 is stated as 0; 全年执行数 ÷ 全年预算数 = 100.00%",
    ),
    (
        "02",
        "weights_sum",
        "Sheet1!B20",
        "效益指标：填报分值 30，其下各项分值合计 20",
        "效益指标: stated 分值 30, the weights under it sum to 20",
    ),
    (
        "03",
        "implausible_value",
        "table!E26",
        (
            "市民满意度调查：年度指标值 290% 超过 100%，这类比率不可能超过 100%（可能是录入或识别错误），"
            "无法按规则重算"
        ),
        (
            "市民满意度调查: 年度指标值 290% is above 100%, which a rate of this kind cannot be (a "
            "typing or recognition error?), so the row cannot be recomputed under the rules"
        ),
    ),
    (
        "04",
        "total_mismatch",
        "Sheet1!F3",
        "填报总分 98 与各项得分合计 74（2 项得分为空，未计入） 不符",
        "the stated total 98 differs from the sum of the scores, 74 (2 blank scores not counted)",
    ),
    (
        "04",
        "met_but_deducted",
        "Sheet1!G13",
        "预算执行率：实际完成值 100% 已是这类比率的最高值，应得满分 10，填报 9 分，未说明扣分原因",
        (
            "预算执行率: 实际完成值 100% is already the highest a rate of this kind can be, so full "
            "marks 10 are due; 9 stated, with no reason given for the deduction"
        ),
    ),
    (
        "04",
        "qualitative_met_but_deducted",
        "Sheet1!G21",
        (
            "公用经费完成时间：实际完成值“2021年12月完成”与年度指标值相同，应得满分 5，填报 4 分，"
            "未说明扣分原因"
        ),
        (
            "公用经费完成时间: 实际完成值 “2021年12月完成” is the same as 年度指标值, so full marks 5 "
            "are due; 4 stated, with no reason given for the deduction"
        ),
    ),
    (
        "04",
        "missing_deviation_reason",
        "Sheet1!H13",
        "预算执行率：得分 9 低于分值 10，未填写偏差原因分析及改进措施",
        "预算执行率: 得分 9 is below 分值 10, and no 偏差原因分析及改进措施 is filled in",
    ),
    (
        "05",
        "blank_actual",
        "table!H15",
        "发放(缴纳)覆盖率：实际完成值为空（年度指标值 =100%），无法按规则重算",
        (
            "发放(缴纳)覆盖率: 实际完成值 is empty (年度指标值 =100%), so the row cannot be recomputed "
            "under the rules"
        ),
    ),
    (
        "05",
        "blank_score",
        "table!H9",
        "资金栏有分值，得分为空",
        "the funds row has a 分值 and its 得分 is empty",
    ),
    (
        "07",
        "double_counted_execution",
        "Sheet1!H17",
        (
            "预算执行率已在资金栏计分（分值 10，Sheet1!F6），绩效指标“项目计划总投资”的年度指标值 20 "
            "和实际完成值 20 就是资金栏的全年预算数和全年执行数，又计 10 分"
        ),
        (
            "预算执行率 is scored in the funds row (分值 10, Sheet1!F6); in the indicator “项目计划总投资”, "
            "年度指标值 20 and 实际完成值 20 are the funds row's 全年预算数 and 全年执行数, and it scores "
            "again: 10"
        ),
    ),
    (
        "13",
        "above_proportional",
        "Sheet1!H5",
        (
            "预算执行率（资金执行情况）：实际完成值 80.45% 未达到年度指标值 ≥100%，按比例应得 8.04 分，"
            "填报 10 分"
        ),
        (
            "预算执行率（资金执行情况）: 实际完成值 80.45% misses 年度指标值 ≥100%, so 8.04 is due in "
            "proportion; 10 stated"
        ),
    ),
    (
        "24",
        "score_above_weight",
        "table!D9",
        "分配结果：得分 5 超过分值 4",
        "分配结果: 得分 5 is above 分值 4",
    ),
    (
        "28",
        "below_proportional",
        "Sheet1!H13",
        "指标1:全县参合人数：实际完成值 8676 未达到年度指标值 ≥8755，按比例应得 14.86 分，填报 13 分",
        (
            "指标1:全县参合人数: 实际完成值 8676 misses 年度指标值 ≥8755, so 14.86 is due in proportion; "
            "13 stated"
        ),
    ),
]


def _real(number: str) -> Path:
    folder = next(REAL.glob(f"{number}_*"))
    return next(path for path in folder.iterdir() if path.name.startswith("table."))


@pytest.mark.parametrize(("table", "code", "cell", "chinese", "english"), FINDINGS)
def test_a_finding_of_a_real_table_in_both_languages(
    table: str, code: str, cell: str, chinese: str, english: str
) -> None:
    for language, expected in (("zh", chinese), ("en", english)):
        with using(language):
            review = review_table(_real(table))
        found = {f.cell: f.message for f in review.findings if f.code == code}
        assert found[cell] == expected, language


def test_review_prints_findings_in_chinese_by_default_and_english_with_lang(
    jixiao: Jixiao, chinese_by_default: None
) -> None:
    """The command line: its lines as the user sees them, code unchanged in both languages."""
    table = _real("13")
    zh, en = _both(jixiao, "review", str(table))
    assert zh.code == en.code == 0
    assert (
        "  Sheet1!H5: 预算执行率（资金执行情况）：实际完成值 80.45% 未达到年度指标值 ≥100%，"
        "按比例应得 8.04 分，填报 10 分 [above_proportional]\n"
    ) in zh.out
    assert (
        "  Sheet1!H5: 预算执行率（资金执行情况）: 实际完成值 80.45% misses 年度指标值 ≥100%, so "
        "8.04 is due in proportion; 10 stated [above_proportional]\n"
    ) in en.out


# ---------------------------------------------------------------------------- batch


def test_a_batch_header_with_an_unknown_column_in_both_languages(
    jixiao: Jixiao, tmp_path: Path, chinese_by_default: None
) -> None:
    source = tmp_path / "项目.csv"
    source.write_text("id,x_unknown\nP1,1\n", encoding="utf-8")
    out = str(tmp_path / "scores.csv")
    zh, en = _both(jixiao, "batch", SPEC, str(source), "-o", out)
    assert zh.err == (
        f"{source}:1:2: 未知列 'x_unknown'：既不是事实的 id 或名称、项目信息字段、'<指标>.tier' 等，"
        "也不是 not_applicable [batch-unknown-column]\n"
    )
    assert en.err == (
        f"{source}:1:2: unknown column 'x_unknown': not a fact id or label, a project field, "
        "'<indicator>.tier' …, or not_applicable [batch-unknown-column]\n"
    )


def _jsonl(folder: Path) -> Path:
    """The seed's facts, a line cut off inside an object, and an array."""
    seed = yaml.safe_load(SEED_FACTS.read_text(encoding="utf-8"))
    source = folder / "项目.jsonl"
    source.write_text(
        json.dumps(seed, ensure_ascii=False, default=str) + '\n{"id": "P2", \n[1, 2]\n',
        encoding="utf-8",
    )
    return source


def test_batch_rows_with_errors_and_the_summary_in_both_languages(
    jixiao: Jixiao, tmp_path: Path, chinese_by_default: None
) -> None:
    source = _jsonl(tmp_path)
    runs = {}
    for language in ("zh", "en"):
        out = tmp_path / f"scores_{language}.csv"
        run = jixiao("--lang", language, "batch", SPEC, str(source), "-o", str(out))
        assert run.code == 1
        rows = out.read_text(encoding="utf-8-sig").splitlines()
        runs[language] = (run.err.splitlines(), rows)
    zh_err, zh_rows = runs["zh"]
    en_err, en_rows = runs["en"]
    json_zh = (
        f"{source}:line 2: 不是有效的 JSON：Expecting property name enclosed in double quotes"
        "（第 1 列） [json-syntax]"
    )
    json_en = (
        f"{source}:line 2: not valid JSON: Expecting property name enclosed in double quotes "
        "(column 1) [json-syntax]"
    )
    array_zh = f"{source}:line 3: 应为 JSON 对象（事实数据映射或扁平记录），实为数组 [facts-shape]"
    array_en = (
        f"{source}:line 3: expected a JSON object (a facts mapping or a flat record), got an "
        "array [facts-shape]"
    )
    assert zh_rows[2] == f"line 2,,,,,,,,{json_zh},{source}:line 2"
    assert en_rows[2] == f"line 2,,,,,,,,{json_en},{source}:line 2"
    assert zh_rows[3] == f"line 3,,,,,,,,{array_zh},{source}:line 3"
    assert en_rows[3] == f'line 3,,,,,,,,"{array_en}",{source}:line 3'
    assert zh_err[:4] == [
        "记录 3 条，评分 1 条，失败 2 条",
        "等级分布：优 1 (100.0%)  良 0 (0.0%)  中 0 (0.0%)  差 0 (0.0%)",
        "平均总分：95.85",
        "一级指标平均得分率：决策 90.7%  过程 93.8%  产出 100.0%  效益 95.0%",
    ]
    assert en_err[:4] == [
        "records: 3, scored 1, failed 2",
        "grades: 优 1 (100.0%)  良 0 (0.0%)  中 0 (0.0%)  差 0 (0.0%)",
        "mean total: 95.85",
        "mean score rate (一级指标): 决策 90.7%  过程 93.8%  产出 100.0%  效益 95.0%",
    ]
    assert zh_err[4:6] == [
        "失分最多的指标：",
        "  资金使用合规性：共失 1.00 分，平均每个项目 1.00 分，100.0% 的项目失分",
    ]
    assert en_err[4:6] == [
        "most points lost:",
        "  资金使用合规性: 1.00 in all, 1.00 per project, in 100.0% of projects",
    ]
    tail = zh_err[zh_err.index("失败原因（按代码）：json-syntax 1, facts-shape 1") :][:4]
    assert tail == [
        "失败原因（按代码）：json-syntax 1, facts-shape 1",
        "最先失败的记录：",
        f"  {json_zh}",
        f"  {array_zh}",
    ]
    tail = en_err[en_err.index("failures by code: json-syntax 1, facts-shape 1") :][:4]
    assert tail == [
        "failures by code: json-syntax 1, facts-shape 1",
        "first failures:",
        f"  {json_en}",
        f"  {array_en}",
    ]


# ---------------------------------------------------------------------------- reports


def test_a_pdf_report_without_libreoffice_in_both_languages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf, "find_converter", lambda: None)
    said = {}
    for language in ("zh", "en"):
        with using(language), pytest.raises(ScoringError) as caught:
            pdf.require_converter("报告.pdf")
        said[language] = str(caught.value)
    assert said == {
        "zh": "报告.pdf: 无法生成 PDF：未安装 LibreOffice（soffice）；请安装（如 apt-get install "
        "libreoffice-writer-nogui），或用 -o report.docx 生成 Word 文档后在 Word 中导出为 PDF "
        "[pdf-converter-missing]",
        "en": "报告.pdf: cannot write a PDF: LibreOffice (soffice) is not installed; install it "
        "(e.g. apt-get install libreoffice-writer-nogui) or write -o report.docx and export it "
        "as PDF from Word [pdf-converter-missing]",
    }
