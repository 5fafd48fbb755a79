"""公众评判法 (jixiao survey): the rate, its Wilson interval and every invalid answer by cell.

The shipped example is examples/satisfaction_survey.csv: 400 constructed answers (not a real
survey) with the kinds of invalid answer real questionnaire exports have.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import i18n
from scoring.cli import main
from scoring.methods.survey import SurveyError, analyse, load_scale, wilson_interval
from scoring.spec.scale import DEFAULT_SCALE
from scoring.tabular.sheet import Sheet, read_sheet

EXAMPLE = Path(__file__).parent.parent / "examples" / "satisfaction_survey.csv"
WEIGHTS = {"非常满意": 100, "满意": 80, "基本满意": 60, "不满意": 0, "非常不满意": 0}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--lang", "zh", *argv], out, err)  # its messages asserted in Chinese
    return code, out.getvalue(), err.getvalue()


def independent_rate(path: Path) -> tuple[Fraction, int]:
    """The rate recomputed with fractions straight from the CSV: the definition, not the code."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    scores = []
    for row in rows[1:]:
        weights = [WEIGHTS["".join(a.split())] for a in row[2:] if "".join(a.split()) in WEIGHTS]
        if weights:
            scores.append(Fraction(sum(weights), 100 * len(weights)))
    return sum(scores, Fraction(0)) / len(scores), len(scores)


def test_example_rate_interval_and_invalid_rows() -> None:
    with i18n.using("zh"):  # why each answer is not counted, as the Chinese listing says it
        result = analyse(read_sheet(EXAMPLE))
    expected, n = independent_rate(EXAMPLE)
    assert result.respondents == n == 398
    assert result.rows == 400
    assert abs(Fraction(result.rate) - expected) < Fraction(1, 10**60)
    assert result.shown_rate == "82.83%"
    assert result.shown_interval == ("78.81%", "86.22%")
    assert result.invalid_rows == (134, 303)
    assert result.unanswered == 5
    assert [str(a) for a in result.invalid] == [
        (
            "satisfaction_survey!D18: 第 18 行“办理效率”：“很好”不是量表中的选项"
            "（非常满意、满意、基本满意、不满意、非常不满意）"
        ),
        (
            "satisfaction_survey!E216: 第 216 行“处理结果”：“5”不是量表中的选项"
            "（非常满意、满意、基本满意、不满意、非常不满意）"
        ),
        *(
            f"satisfaction_survey!{col}303: 第 303 行“{q}”：“不清楚”不是量表中的选项"
            "（非常满意、满意、基本满意、不满意、非常不满意）"
            for col, q in zip(
                "CDEF", ["来访接待态度", "办理效率", "处理结果", "总体评价"], strict=True
            )
        ),
        (
            "satisfaction_survey!F378: 第 378 行“总体评价”：“满意/基本满意”勾选了多个选项"
            "（满意、基本满意），只能选一个"
        ),
    ]
    by_label = {q.label: q for q in result.questions}
    assert list(by_label) == ["来访接待态度", "办理效率", "处理结果", "总体评价"]
    assert by_label["总体评价"].answered == 397  # 满意 with a trailing space counts


def test_wilson_matches_the_textbook_value() -> None:
    # p = 0.5, n = 100: the Wilson interval is 0.4038–0.5962 (four places).
    low, high = wilson_interval(Decimal("0.5"), 100)
    assert (round(float(low), 4), round(float(high), 4)) == (0.4038, 0.5962)
    assert wilson_interval(Decimal(1), 10)[1] == 1
    assert wilson_interval(Decimal(0), 10)[0] == 0


answers = st.lists(
    st.lists(
        st.one_of(
            st.sampled_from([*WEIGHTS, "", "很好", "5", "满意/不满意"]),
            st.text(max_size=6),
        ),
        min_size=3,
        max_size=3,
    ),
    min_size=1,
    max_size=60,
)


def sheet_of(rows: list[list[str]]) -> Sheet:
    sheet = Sheet("问卷", "问卷.csv")
    for c, label in enumerate(["题一", "题二", "题三"], start=1):
        sheet.cells[(1, c)] = label
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if value.strip():
                sheet.cells[(r, c)] = value.strip()
    sheet.max_row, sheet.max_col = len(rows) + 1, 3
    sheet.index_merges()
    return sheet


@settings(max_examples=examples(150), deadline=None)
@given(answers)
def test_rate_in_range_and_interval_holds_it(rows: list[list[str]]) -> None:
    sheet = sheet_of(rows)
    if not any(DEFAULT_SCALE.option_of("".join(a.split())) for row in rows for a in row):
        with pytest.raises(SurveyError) as refused:
            analyse(sheet)
        assert refused.value.codes == ["survey-empty"]
        return
    result = analyse(sheet)
    assert 0 <= result.rate <= 1
    assert result.low <= result.rate <= result.high
    low, high = result.shown_interval
    shown = Decimal(result.shown_rate.rstrip("%"))
    assert Decimal(low.rstrip("%")) <= shown <= Decimal(high.rstrip("%"))
    counted = sum(q.answered for q in result.questions)
    blanks = result.unanswered + 3 * result.blank_rows
    assert counted + len(result.invalid) + blanks == 3 * len(rows)  # nothing dropped silently
    assert result.respondents + len(result.invalid_rows) == result.rows


def test_cli_writes_the_fact_with_its_provenance(tmp_path: Path) -> None:
    out = tmp_path / "满意度.yaml"
    code, stdout, stderr = run("survey", str(EXAMPLE), "--target", "≥90%", "-o", str(out))
    assert code == 0
    assert "满意度 82.83%（95% 区间 78.81%–86.22%，Wilson；有效问卷 398 份，答卷 400 行）" in stdout
    assert "无有效答案、未计入的答卷行：134、303" in stdout
    assert stderr.splitlines()[-1] == f"已写出 {out}"
    text = out.read_text(encoding="utf-8")
    assert text.endswith('project: {}\nvalues:\n  "满意度": 82.83%\n')
    assert "# 有效问卷 398 份（答卷 400 行，空行 0 行）；95% 区间（Wilson）78.81%–86.22%" in text
    # The written file is a facts file the engine reads.
    from scoring import load_facts

    facts = load_facts(out)
    assert "满意度" in facts.values


def test_cli_warns_when_the_sample_cannot_judge_the_target() -> None:
    code, _, stderr = run("survey", str(EXAMPLE), "--target", "≥85%")
    assert code == 0
    assert (
        "提示：满意度 82.83% 的 95% 区间 [78.81%, 86.22%] 跨过目标 ≥85%：398 份有效问卷不足以"
        "判断是否达标；按当前满意度约需 1162 份有效问卷才能判断"
    ) in stderr


def test_cli_json() -> None:
    code, stdout, _ = run("survey", str(EXAMPLE), "--format", "json")
    data = json.loads(stdout)
    assert code == 0
    assert data["shown"] == "82.83%"
    assert data["interval_95"] == ["78.81%", "86.22%"]
    assert data["invalid_rows"] == [134, 303]
    assert len(data["invalid"]) == 7


def test_scale_file_with_aliases(tmp_path: Path) -> None:
    scale = tmp_path / "scale.yaml"
    scale.write_text(
        "name: 三级\noptions: {满意: 100, 一般: 50, 不满意: 0}\naliases: {'1': 满意, '2': 一般}\n",
        encoding="utf-8",
    )
    answers = tmp_path / "a.csv"
    answers.write_text("编号,题\n1,1\n2,2\n3,不满意\n4,满意\n", encoding="utf-8")
    result = analyse(read_sheet(answers), load_scale(scale))
    assert result.shown_rate == "62.5%"
    assert result.scale.name == "三级"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "options: {满意: 100, 不满意: -5}\n",
            "{f}:1:25: options.不满意: 选项“不满意”的权重应为 0 到 100 之间的数，实为 -5 [survey-scale]",
        ),
        (
            "options: {满意: 90, 不满意: 0}\n",
            "{f}:1:10: options: 最好的选项应为 100 分（实为 90），否则满意度达不到 100% [survey-scale]",
        ),
        (
            "options: {满意: 100, 不满意: 0}\naliases: {很好: 非常满意}\n",
            (
                "{f}:2:15: aliases.很好: 别称“很好”指向的“非常满意”不是选项（满意、不满意）"
                "；是否应为“满意”？ [survey-scale]"
            ),
        ),
        (
            "choices: {满意: 100}\n",
            (
                "{f}:1:1: 量表应有 options：选项 → 权重（满分 100），如 {{非常满意: 100, 满意: 80}} "
                "[survey-scale]"
            ),
        ),
        (
            "options: {满意: 100, 不满意: 0}\nweights: 1\n",
            "{f}:2:10: weights: 未知的键“weights”：量表只有 name、options、aliases [survey-scale]",
        ),
    ],
)
def test_bad_scale_files(tmp_path: Path, text: str, message: str) -> None:
    scale = tmp_path / "scale.yaml"
    scale.write_text(text, encoding="utf-8")
    code, _, stderr = run("survey", str(EXAMPLE), "--scale", str(scale))
    assert code == 1
    assert stderr == message.format(f=scale) + "\n"


def test_no_valid_answer_is_refused(tmp_path: Path) -> None:
    answers = tmp_path / "a.csv"
    answers.write_text("序号,题一\n1,好\n2,很好\n", encoding="utf-8")
    code, _, stderr = run("survey", str(answers))
    assert code == 1
    assert stderr == (
        f"{answers}: 没有一份有效问卷：2 行答卷都没有量表中的选项（非常满意、满意、基本满意、不满意、"
        "非常不满意）；请检查 --scale 量表或用 --question 指定题目列 [survey-empty]\n"
    )


def test_unknown_question_and_bad_target(tmp_path: Path) -> None:
    code, _, stderr = run("survey", str(EXAMPLE), "--question", "办事效率")
    assert code == 1
    assert stderr == (
        f"{EXAMPLE}: 没有题目“办事效率”；表头有 序号、提交答卷时间、来访接待态度、办理效率、处理结果、"
        "总体评价；是否应为“办理效率”？ [survey-columns]\n"
    )
    code, _, stderr = run("survey", str(EXAMPLE), "--target", "≥90分")
    assert code == 1
    assert stderr == "<input>: --target: 满意度目标应为百分数，如 ≥90% [bad-target]\n"


def test_existing_output_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "满意度.yaml"
    out.write_text("keep\n", encoding="utf-8")
    code, _, stderr = run("survey", str(EXAMPLE), "-o", str(out))
    assert code == 1
    assert stderr == f"{out}: 已存在；要覆盖请加 --force [output-exists]\n"
    assert out.read_text(encoding="utf-8") == "keep\n"


def test_output_never_replaces_the_answers(tmp_path: Path) -> None:
    answers = tmp_path / "a.csv"
    answers.write_bytes(EXAMPLE.read_bytes())
    code, _, stderr = run("survey", str(answers), "-o", str(answers), "--force")
    assert code == 1
    assert stderr == (
        f"{answers}: -o 与输入 ANSWERS {answers} 是同一个文件；jixiao 从不覆盖输入：请换一个输出文件 "
        "[output-is-input]\n"
    )
    assert answers.read_bytes() == EXAMPLE.read_bytes()


def test_terminal_escapes_in_a_header_are_shown_not_run(tmp_path: Path) -> None:
    answers = tmp_path / "a.csv"
    answers.write_text("序号,\x1b[2J题\n1,满意\n", encoding="utf-8")
    code, stdout, _ = run("survey", str(answers))
    assert code == 0
    assert "\x1b" not in stdout
    assert "\\x1b[2J题" in stdout


def test_default_scale_listing() -> None:
    assert DEFAULT_SCALE.listing() == "非常满意、满意、基本满意、不满意、非常不满意"


SPEC = Path(__file__).parent.parent / "indicators" / "xinfang_weiwen.yaml"


def test_the_spec_gives_the_target_of_the_indicator_the_fact_feeds() -> None:
    code, stdout, _ = run("survey", str(EXAMPLE), "--spec", str(SPEC), "--format", "json")
    assert code == 0
    assert json.loads(stdout)["target"] == "服务对象满意度 ≥90%"


def test_a_spec_declares_its_questionnaires_scale(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        SPEC.read_text(encoding="utf-8")
        + "\nsurvey_scale:\n  name: 三级\n  options: {满意: 100, 一般: 50, 不满意: 0}\n",
        encoding="utf-8",
    )
    answers = tmp_path / "a.csv"
    answers.write_text("编号,题\n1,满意\n2,一般\n3,不满意\n4,满意\n", encoding="utf-8")
    code, stdout, _ = run("survey", str(answers), "--spec", str(spec), "--format", "json")
    data = json.loads(stdout)
    assert (code, data["scale"]["name"], data["shown"]) == (0, "三级", "62.5%")


def test_a_bad_scale_in_a_spec_is_located_in_the_spec(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = SPEC.read_text(encoding="utf-8") + "\nsurvey_scale:\n  options: {满意: 100, 一般: 120}\n"
    spec.write_text(text, encoding="utf-8")
    line = len(text.splitlines())
    code, _, stderr = run("validate", str(spec))
    assert code == 1
    assert stderr == (
        f"{spec}:{line}:26: survey_scale.options.一般: 选项“一般”的权重应为 0 到 100 之间的数，"
        "实为 120 [survey-scale]\n"
    )
