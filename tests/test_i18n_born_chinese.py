"""The messages first written in Chinese, whole, in both languages.

These messages (cost measures, survey scales and answers, year comparisons, the scoring warnings
and the CLI's 提示 prefix) had Chinese msgids, so ``--lang en`` still printed Chinese. Their
msgid is English now, and their Chinese is in core.po / cli.po. Each is made here from a real
input and asserted whole in English (``--lang en``, or ``i18n.using("en")``) and in Chinese (no
--lang and no JIXIAO_LANG: what a user who sets nothing gets); the code stays the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import ROOT, Run

from scoring import i18n, load_facts, load_spec, load_spec_text, score
from scoring.errors import ScoringError

SURVEY = "examples/satisfaction_survey.csv"
SEED_SPEC = "indicators/xinfang_weiwen.yaml"
SEED_FACTS = "examples/hengnan_xinfang_2021.yaml"
YEAR_2 = "examples/hengnan_xinfang_2022_constructed.yaml"
HEADERS = "序号、提交答卷时间、来访接待态度、办理效率、处理结果、总体评价"
OPTIONS = "非常满意、满意、基本满意、不满意、非常不满意"
LOCALE = ROOT / "scoring" / "locale" / "zh_CN" / "LC_MESSAGES"


def _both(
    jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, *argv: str
) -> tuple[Run, Run]:
    """The command with --lang en, then as a user who sets no language runs it."""
    english = jixiao("--lang", "en", *argv)
    monkeypatch.delenv("JIXIAO_LANG", raising=False)
    return english, jixiao(*argv)


def _codes(text: str) -> list[str]:
    return re.findall(r"\[([a-z0-9-]+)\]$", text, re.MULTILINE)


# Scale file → (English stderr, Chinese stderr), "{f}" standing for the file.
SCALES = {
    "choices: {满意: 100}\n": (
        (
            "{f}:1:1: a scale needs options: option → weight (out of 100), such as "
            "{{非常满意: 100, 满意: 80}} [survey-scale]"
        ),
        (
            "{f}:1:1: 量表应有 options：选项 → 权重（满分 100），如 {{非常满意: 100, 满意: 80}} "
            "[survey-scale]"
        ),
    ),
    "options: {满意: 100, 不满意: -5}\n": (
        (
            "{f}:1:25: options.不满意: the weight of option '不满意' must be a number from 0 to 100, "
            "got -5 [survey-scale]"
        ),
        (
            "{f}:1:25: options.不满意: 选项“不满意”的权重应为 0 到 100 之间的数，实为 -5 "
            "[survey-scale]"
        ),
    ),
    "options: {满意: 100}\n": (
        "{f}:1:10: options: a scale needs at least two options [survey-scale]",
        "{f}:1:10: options: 量表至少要有两个选项 [survey-scale]",
    ),
    "options: {满意: 90, 不满意: 0}\n": (
        (
            "{f}:1:10: options: the best option must weigh 100 (it weighs 90), or the 满意度 can "
            "never reach 100% [survey-scale]"
        ),
        "{f}:1:10: options: 最好的选项应为 100 分（实为 90），否则满意度达不到 100% [survey-scale]",
    ),
    "options: {满意: 100, 不满意: 0}\naliases: [很好]\n": (
        (
            "{f}:2:10: aliases: aliases must map each alias to an option, such as "
            "{{很满意: 非常满意}} [survey-scale]"
        ),
        "{f}:2:10: aliases: aliases 应为 别称 → 选项 的映射，如 {{很满意: 非常满意}} [survey-scale]",
    ),
    "options: {满意: 100, 不满意: 0}\naliases: {很好: 非常满意}\n": (
        (
            "{f}:2:15: aliases.很好: alias '很好' points to '非常满意', which is not an option "
            "(满意、不满意); did you mean '满意'? [survey-scale]"
        ),
        (
            "{f}:2:15: aliases.很好: 别称“很好”指向的“非常满意”不是选项（满意、不满意）；"
            "是否应为“满意”？ [survey-scale]"
        ),
    ),
    "options: {满意: 100, 不满意: 0}\nweights: 1\n": (
        (
            "{f}:2:10: weights: unknown key 'weights': a scale has only name, options and aliases "
            "[survey-scale]"
        ),
        "{f}:2:10: weights: 未知的键“weights”：量表只有 name、options、aliases [survey-scale]",
    ),
}


@pytest.mark.parametrize("text", list(SCALES))
def test_survey_scale(
    text: str, tmp_path: Path, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    scale = tmp_path / "scale.yaml"
    scale.write_text(text, encoding="utf-8")
    english, chinese = _both(jixiao, monkeypatch, "survey", SURVEY, "--scale", str(scale))
    wanted_en, wanted_zh = (message.format(f=scale) + "\n" for message in SCALES[text])
    assert (english.code, english.err) == (1, wanted_en)
    assert (chinese.code, chinese.err) == (1, wanted_zh)


# Answers file (None: the example) and options → (English stderr, Chinese stderr).
ANSWERS = {
    "empty": (
        "\n",
        (),
        "{f}: the questionnaire is empty: it has no row of questions [survey-empty]",
        "{f}: 问卷表是空的：没有题目行 [survey-empty]",
    ),
    "no valid answer": (
        "序号,题一\n1,好\n2,很好\n",
        (),
        (
            "{f}: no valid questionnaire: none of the 2 answer rows holds an option of the scale "
            f"({OPTIONS}); check the scale (--scale) or name the question columns with --question "
            "[survey-empty]"
        ),
        (
            f"{{f}}: 没有一份有效问卷：2 行答卷都没有量表中的选项（{OPTIONS}）；请检查 --scale 量表"
            "或用 --question 指定题目列 [survey-empty]"
        ),
    ),
    "no question column": (
        "序号,提交答卷时间\n1,2021-01-05\n",
        (),
        (
            "{f}: the header row has no question column, only columns of information (序号, 时间 "
            "and the like) [survey-columns]"
        ),
        "{f}: 表头中没有题目列（只有序号、时间等信息列） [survey-columns]",
    ),
    "unknown question": (
        None,
        ("--question", "办事效率"),
        (
            f"{{f}}: no question '办事效率'; the headers are {HEADERS}; did you mean '办理效率'? "
            "[survey-columns]"
        ),
        f"{{f}}: 没有题目“办事效率”；表头有 {HEADERS}；是否应为“办理效率”？ [survey-columns]",
    ),
    "unknown skipped columns": (
        None,
        ("--skip", "不存在", "--skip", "也没有"),
        (
            "{f}: --skip names columns that are not in the header row: 不存在、也没有 (the headers "
            f"are {HEADERS}) [survey-columns]"
        ),
        f"{{f}}: --skip 的列“不存在、也没有”不在表头中（{HEADERS}） [survey-columns]",
    ),
}


@pytest.mark.parametrize("name", list(ANSWERS))
def test_survey_answers(
    name: str, tmp_path: Path, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    text, options, wanted_en, wanted_zh = ANSWERS[name]
    answers = SURVEY
    if text is not None:
        answers = str(tmp_path / "answers.csv")
        Path(answers).write_text(text, encoding="utf-8")
    english, chinese = _both(jixiao, monkeypatch, "survey", answers, *options)
    assert (english.code, english.err) == (1, wanted_en.format(f=answers) + "\n")
    assert (chinese.code, chinese.err) == (1, wanted_zh.format(f=answers) + "\n")


def test_survey_warnings_and_invalid_answers(
    jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two warnings (with their prefix) on stderr, and why an answer is not counted."""
    english, chinese = _both(jixiao, monkeypatch, "survey", SURVEY, "--target", "≥85%")
    assert english.err == (
        "warning: 7 invalid answers and 2 answer rows without a valid answer are not counted in "
        "the 满意度 (each is listed)\n"
        "warning: the interval of the 满意度 82.83% at 95%, [78.81%, 86.22%], straddles the "
        "target ≥85%: 398 valid questionnaires cannot tell whether it is met; at the present "
        "满意度, about 1162 valid questionnaires would tell\n"
    )
    assert chinese.err == (
        "提示：无效答案 7 个，无有效答案的答卷 2 行，未计入满意度（逐个列出）\n"
        "提示：满意度 82.83% 的 95% 区间 [78.81%, 86.22%] 跨过目标 ≥85%：398 份有效问卷"
        "不足以判断是否达标；按当前满意度约需 1162 份有效问卷才能判断\n"
    )
    assert (
        "'很好' is not an option of the scale (非常满意、满意、基本满意、不满意、非常不满意)"
        in english.out
    )
    assert "“很好”不是量表中的选项（非常满意、满意、基本满意、不满意、非常不满意）" in chinese.out


def test_an_answer_ticking_two_options(
    tmp_path: Path, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text("序号,题一\n1,满意\n2,满意/不满意\n", encoding="utf-8")
    english, chinese = _both(jixiao, monkeypatch, "survey", str(answers))
    assert (
        "'满意/不满意' ticks several options (满意、不满意); only one may be chosen" in english.out
    )
    assert "“满意/不满意”勾选了多个选项（满意、不满意），只能选一个" in chinese.out


def test_compare_years(
    tmp_path: Path, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """compare-year, located at the file, and the three usage errors of the years given."""
    english, chinese = _both(
        jixiao, monkeypatch, "compare", SEED_FACTS, SEED_FACTS, "--spec", SEED_SPEC
    )
    assert (english.code, english.err) == (
        1,
        (
            f"{SEED_FACTS}: year 2021 is already given by {SEED_FACTS}: each year has one facts file "
            "only [compare-year]\n"
        ),
    )
    assert (chinese.code, chinese.err) == (
        1,
        (
            f"{SEED_FACTS}: 年度 2021 已由 {SEED_FACTS} 给出：每个年度只能有一个事实文件 "
            "[compare-year]\n"
        ),
    )
    no_year = tmp_path / "no_year.yaml"
    no_year.write_text("project: {name: 测试项目}\nvalues: {}\n", encoding="utf-8")
    english, chinese = _both(jixiao, monkeypatch, "compare", str(no_year), "--spec", SEED_SPEC)
    assert (english.code, english.err) == (
        1,
        (
            f"{no_year}: a comparison needs each file's year: write the year evaluated under "
            "project.year [compare-year]\n"
        ),
    )
    assert (chinese.code, chinese.err) == (
        1,
        f"{no_year}: 比较需要年度：请在 project.year 写明评价年度 [compare-year]\n",
    )
    argv = ("compare", SEED_FACTS, YEAR_2, "--spec", SEED_SPEC, "--spec-for", f"2030={SEED_SPEC}")
    english, chinese = _both(jixiao, monkeypatch, *argv)
    assert (english.code, english.err) == (
        2,
        "jixiao: error: --spec-for names years that no facts file has: 2030\n",
    )
    assert (chinese.code, chinese.err) == (2, "jixiao：错误：--spec-for 的年度 2030 没有事实文件\n")
    english, chinese = _both(jixiao, monkeypatch, "compare", SEED_FACTS, YEAR_2)
    assert (english.code, english.err) == (
        2,
        (
            f"jixiao: error: {SEED_FACTS} (year 2021) has no indicator system: give --spec or "
            "--spec-for 2021=SPEC\n"
        ),
    )
    assert (chinese.code, chinese.err) == (
        2,
        f"jixiao：错误：{SEED_FACTS}（2021 年）没有指标体系：给出 --spec 或 --spec-for 2021=SPEC\n",
    )
    argv = ("report", SEED_SPEC, SEED_FACTS, "-o", str(tmp_path / "r.docx"), "--previous", YEAR_2)
    english, chinese = _both(jixiao, monkeypatch, *argv)
    assert (english.code, english.err) == (
        2,
        "jixiao: error: the year of --previous (2022) is not before this report's year (2021)\n",
    )
    assert (chinese.code, chinese.err) == (
        2,
        "jixiao：错误：--previous 的年度（2022）晚于本报告的年度（2021）\n",
    )


COST_SPEC = """\
id: t
name: 测试
version: "1"
facts:
  支出: {kind: money, unit: 万元}
  人次: {kind: count, unit: 人次}
  执行率: {kind: rate}
indicators:
  - id: 甲
    weight: 100
    rule: {kind: positive, actual: 执行率, target: "≥90%"}
cost_effectiveness:
  每人次: {cost: 人次, output: 执行率}
"""


def test_cost_measure_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    where = "<spec>:13:{col}: cost_effectiveness.每人次.{role}: "
    with i18n.using("en"), pytest.raises(ScoringError) as english:
        load_spec_text(COST_SPEC)
    assert str(english.value) == (
        where.format(col=15, role="cost")
        + "'人次' is a count in 人次: the cost must be an amount of money [cost-measure-kind]\n"
        + where.format(col=27, role="output")
        + "'执行率' is a rate in %: the output must be a count or a number [cost-measure-kind]"
    )
    monkeypatch.delenv("JIXIAO_LANG")
    with pytest.raises(ScoringError) as chinese:
        load_spec_text(COST_SPEC)
    assert str(chinese.value) == (
        where.format(col=15, role="cost")
        + "“人次”是数量，单位 人次：成本（cost）应为金额 [cost-measure-kind]\n"
        + where.format(col=27, role="output")
        + "“执行率”是比率，单位 %：产出（output）应为数量或数值 [cost-measure-kind]"
    )


WARNING_SPEC = """\
id: t
name: 测试
version: "1"
facts:
  满意度: {kind: rate, label: 服务对象满意度}
  执行: {kind: rate, label: 预算执行率}
indicators:
  - {id: 满意, weight: 40, rule: {kind: positive, actual: 满意度, target: "≥90%"}}
  - {id: 执行率, weight: 30, rule: {kind: positive, actual: 执行, target: "≥95%"}}
  - {id: 制度执行有效性, weight: 30, rule: {kind: qualitative, target: 执行有效}}
"""
# No project name; an actual written as a range (and below its target); an overshoot, adjusted
# above its weight; a qualitative rating below 达成; no deviations: every scoring warning.
WARNING_FACTS = """\
project: {year: 2021}
values: {满意度: "≥85%", 执行: "130%"}
ratings: {制度执行有效性: {tier: 部分达成, score: 18}}
adjustments: [{indicator: 执行率, points: 2, reason: 超额完成。}]
"""


def _warnings(lang: str, spec: Path, facts: Path) -> list[str]:
    with i18n.using(lang):
        result = score(load_spec(spec), load_facts(facts))
        return [str(w) for w in result.warnings]  # made when first read: inside the with


def test_scoring_warnings(tmp_path: Path) -> None:
    spec, facts = tmp_path / "spec.yaml", tmp_path / "facts.yaml"
    spec.write_text(WARNING_SPEC, encoding="utf-8")
    facts.write_text(WARNING_FACTS, encoding="utf-8")
    english = _warnings("en", spec, facts)
    chinese = _warnings("zh", spec, facts)
    assert english == [
        (
            "服务对象满意度: the actual value is written as the range '≥85%' and is scored at its "
            "bound 85%; fill in the value achieved [actual-range]"
        ),
        (
            "满意: 年度指标值 is missed: write the 偏差原因分析及改进措施 under deviations "
            "[deviation-missing]"
        ),
        (
            "执行率: 年度指标值 is far exceeded: write the 偏差原因分析及改进措施 under deviations "
            "[deviation-missing]"
        ),
        (
            "执行率: the score after the evaluator's adjustment, 32.00, is outside [0, 30]: the "
            "nearer bound is taken [adjustment-clamped]"
        ),
        (
            "制度执行有效性: the qualitative rating is below 达成: write the 偏差原因分析及改进措施 "
            "under deviations [deviation-missing]"
        ),
        "the project name (project.name) is not filled in [project-name-missing]",
    ]
    assert chinese == [
        "服务对象满意度：实际值写作范围“≥85%”，按其边界 85% 计分；请填写实际完成值 [actual-range]",
        "满意: 未达到年度指标值，请在 deviations 中填写偏差原因分析及改进措施 [deviation-missing]",
        (
            "执行率: 大幅超过年度指标值，请在 deviations 中填写偏差原因分析及改进措施 "
            "[deviation-missing]"
        ),
        "执行率: 评价人调整后得分 32.00 超出 [0, 30]，按边界计 [adjustment-clamped]",
        (
            "制度执行有效性: 定性评价未达到“达成”等级，请在 deviations 中填写偏差原因分析及改进措施 "
            "[deviation-missing]"
        ),
        "项目名称未填写（project.name） [project-name-missing]",
    ]
    assert _codes("\n".join(english)) == _codes("\n".join(chinese))


def test_items_mismatch_and_its_unit_slip_on_stderr(
    tmp_path: Path, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed's items-mismatch (both of its parts) after the 提示 / warning prefix of score -o."""
    out_en, out_zh = tmp_path / "en.json", tmp_path / "zh.json"
    english = jixiao(
        "--lang", "en", "score", SEED_SPEC, SEED_FACTS, "-f", "json", "-o", str(out_en)
    )
    monkeypatch.delenv("JIXIAO_LANG")
    chinese = jixiao("score", SEED_SPEC, SEED_FACTS, "-f", "json", "-o", str(out_zh))
    assert english.err.splitlines()[0] == (
        f"{SEED_FACTS}: warning: 实际支出资金: the items sum to 89.052万元, not to the total "
        "109.05万元 (a difference of 19.998万元); the total is scored; if the unit of "
        "拨付所属企业维稳费 15元、聘请法律顾问 5元 is in fact 万元, the items sum to exactly "
        "109.05万元: check the units [items-mismatch]"
    )
    assert chinese.err.splitlines()[0] == (
        f"{SEED_FACTS}：提示：实际支出资金：明细合计 89.052万元 与总数 109.05万元 不符（差 "
        "19.998万元），按总数计分；若 拨付所属企业维稳费 15元、聘请法律顾问 5元 的单位实为万元，"
        "明细恰好合计 109.05万元，请核对单位 [items-mismatch]"
    )
    assert (english.code, chinese.code) == (0, 0)


# Chinese words of the domain that stand alone as a msgid: a term, not a sentence.
TERMS = {"满意度"}


@pytest.mark.parametrize("domain", ["cli", "core", "tables"])
def test_no_msgid_is_a_chinese_sentence(domain: str) -> None:
    """A msgid is the English message. Chinese terms of the domain (自评表, 年度指标值, …) may
    stand in it, but Chinese punctuation, or Chinese with no English word, is a message written
    in Chinese again, which --lang en would show untranslated."""
    with (LOCALE / f"{domain}.po").open("rb") as po:
        catalogue = read_po(po)
    chinese = []
    for message in catalogue:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        words = re.sub(r"\{[^}]*\}", "", msgid)
        if re.search(r"[：，；（）。！？、]", msgid) or (
            re.search(r"[\u4e00-\u9fff]", words)
            and not re.search(r"[A-Za-z]{2,}", words)
            and msgid not in TERMS
        ):
            chinese.append(msgid)
    assert chinese == []
