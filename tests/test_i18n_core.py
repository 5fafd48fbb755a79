"""The core's messages in both languages, whole: Chinese by default, English with --lang en.

The core (specs, formulas, numbers, YAML, scoring, rules, methods) makes every problem it reports
with ``tr(code, msgid)``; its Chinese is in scoring/locale/zh_CN/LC_MESSAGES/core.po. Here real
bad inputs are run through the command line in both languages and every line of stderr is
asserted whole — file, location, message and code:

- the broken inputs of tests/bad_inputs (spec: weights, grades, ids, names, units, targets,
  bands, tiers, YAML, encodings; formulas; facts: missing, units, bounds, ratings): English with
  ``--lang en`` is exactly the case's expected.txt, Chinese (no --lang, no JIXIAO_LANG) is
  written out below;
- profiles and ``--set``, from files written here;
- the library, which follows JIXIAO_LANG (and ``scoring.i18n.using``) without the CLI.

The code at the end of a line is the same in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run
from test_bad_inputs import CASES, parse

from scoring import i18n, load_facts, load_spec, load_spec_text, score
from scoring.errors import ScoringError

ROOT = Path(__file__).resolve().parent.parent

# Each case's stderr in Chinese, "{d}" standing for its folder (tests/bad_inputs/<case>/).
CHINESE: dict[str, str] = {
    "spec-weight-sum": (
        "{d}spec.yaml:14:13: indicators[过程].weight: 指标“过程”的下级指标分值合计 55，"
        "但其分值为 50（相差 +5） [weight-sum]\n"
    ),
    "spec-duplicate-indicator-id": (
        "{d}spec.yaml:28:13: indicators[效益].children[预算执行率].id: 指标 id "
        "“预算执行率”重复（首次出现在第 16 行）；指标 id 在整个指标体系中必须唯一 "
        "[duplicate-id]\n"
    ),
    "spec-grades-order": (
        "{d}spec.yaml:31:20: grades.良: 等级“良”（≥ 95）的下限应低于“优”（≥ 90）；"
        "等级须从高到低排列 [grade-order]\n"
    ),
    "spec-grades-no-zero": (
        "{d}spec.yaml:31:27: grades.中: 最低等级“中”须从 0 分起，实为 60：低于 60 "
        "分的总分将没有等级 [grade-gap]\n"
    ),
    "spec-unknown-key-typo": (
        "{d}spec.yaml:6:10: facts.预算资金.lable: 未知的键“lable”；是否应为“label”？ "
        "[unknown-key]\n"
    ),
    "spec-unknown-rule-kind": (
        "{d}spec.yaml:27:22: indicators[效益].children[服务对象满意度].rule.kind: "
        "未知的评分规则类型“postive”；应为 'positive', 'reverse', 'zero_target', "
        "'qualitative', 'bands', 'deduction', 'formula' 之一；是否应为“positive”？ "
        "[bad-rule-kind]\n"
    ),
    "spec-money-unit-typo": (
        "{d}spec.yaml:7:44: facts.实际支出.unit: 金额的单位应为 元、千元、万元、"
        "百万元或亿元，实为“万” [unit-kind]\n"
    ),
    "spec-rate-with-unit": (
        "{d}spec.yaml:8:43: facts.满意度.unit: 比率没有单位（以百分数显示），实为“人” [unit-kind]\n"
    ),
    "spec-fact-id-with-space": (
        "{d}spec.yaml:9:3: facts.问题 数: 事实 id “问题 数”不能用于公式：请只用字母、"
        "数字（不能开头）、下划线或汉字，不含空格和标点 [bad-name]\n"
        "{d}spec.yaml:21:41: indicators[过程].children[资金使用合规性].rule.actual: "
        "公式中的名称 '问题数' 未定义；是否应为“问题 数”？（公式“问题数”） "
        "[formula-unknown-name]\n"
    ),
    "spec-fact-named-max": (
        "{d}spec.yaml:9:3: facts.max: 事实 id “max”是保留名称（函数名或评分规则变量）；"
        "请另取一个 id [reserved-name]\n"
        "{d}spec.yaml:21:41: indicators[过程].children[资金使用合规性].rule.actual: "
        "公式中的名称 '问题数' 未定义（公式“问题数”） [formula-unknown-name]\n"
    ),
    "spec-target-wrong-operator": (
        "{d}spec.yaml:27:53: indicators[效益].children[服务对象满意度].rule.target: "
        "目标值“≤90%”用的是 ≤，但 positive 评分规则只接受 ≥ 或 > 或 =；越低越好的目标请用 "
        "kind: reverse [target-operator]\n"
    ),
    "spec-positive-zero-target": (
        "{d}spec.yaml:27:53: indicators[效益].children[服务对象满意度].rule.target: "
        "正向指标的目标值须大于 0，实际为 ≥0%；目标为“=0”时请用 kind: zero_target "
        "[target-not-positive]\n"
    ),
    "spec-reverse-without-formula": (
        "{d}spec.yaml:27:15: indicators[效益].children[服务对象满意度].rule.formula: "
        "请选择反向指标超过目标值时的计分方式：formula: t_over_a（w × t ÷ a）或 "
        "linear_to_double（w × (1 − (a − t) ÷ t)），写在此处或写作指标体系的 "
        "reverse_formula [reverse-formula-missing]\n"
    ),
    "spec-bands-gap-overlap": (
        "{d}spec.yaml:31:13: indicators[效益].children[服务对象满意度].rule.bands: 区间 "
        "[0, 80%) 与 [70%, 90%) 重叠 [band-overlap]\n"
        "{d}spec.yaml:31:13: indicators[效益].children[服务对象满意度].rule.bands: 区间 "
        "[70%, 90%) 与 [95%, 100%] 之间有空隙：两者之间没有规定得分 [band-gap]\n"
    ),
    "spec-tiers-gap": (
        "{d}spec.yaml:32:3: qualitative_tiers: 评价等级 部分达成 与 达成 之间在 70% 至 80% "
        "有空隙 [tier-gap]\n"
    ),
    "spec-derived-cycle": (
        "{d}spec.yaml:11:20: derived.预算执行率.formula: 派生值之间循环依赖：预算执行率 → "
        "支出比 → 预算执行率 [derived-cycle]\n"
    ),
    "spec-missing-keys": (
        "{d}spec.yaml:2:1: 缺少必填的键“id” [missing-key]\n"
        "{d}spec.yaml:2:1: 缺少必填的键“name” [missing-key]\n"
        "{d}spec.yaml:2:1: 缺少必填的键“version” [missing-key]\n"
    ),
    "spec-weight-negative": (
        "{d}spec.yaml:20:17: indicators[过程].children[资金使用合规性].weight: 应 ≥ 0，"
        "实际为 '-20' [out-of-range]\n"
    ),
    "spec-weight-yes": (
        "{d}spec.yaml:17:17: indicators[过程].children[预算执行率].weight: 应为数值，"
        "实际为 'yes' [wrong-type]\n"
    ),
    "spec-children-mapping": (
        "{d}spec.yaml:25:7: indicators[效益].children: 应为列表，实际为 映射 [wrong-type]\n"
    ),
    "spec-empty": (
        "{d}spec.yaml: 指标体系文件应为由 id、name、indicators 等键组成的映射，"
        "实际为空文件 [spec-shape]\n"
    ),
    "spec-two-documents": (
        "{d}spec.yaml:31:1: 此处开始了第二个 YAML 文档；一个文件只能有一个文档 "
        "[yaml-multiple-documents]\n"
    ),
    "spec-duplicate-key": (
        "{d}spec.yaml:21:9: 键“weight”重复（首次定义在第 20 行） [duplicate-key]\n"
    ),
    "spec-tab-indent": (
        "{d}spec.yaml:20:1: found character '\\t' that cannot start any token（YAML "
        "缩进须用空格，不能用制表符） [yaml-syntax]\n"
    ),
    "spec-latin1": (
        "{d}spec.yaml: 文件不是 UTF-8 编码（偏移量 18 处的字节 0xe9）；请另存为 UTF-8（在 "
        "Excel/WPS/记事本中：另存为 → 编码 UTF-8） [file-encoding]\n"
    ),
    "spec-extends-parent": (
        "{d}spec.yaml:4:10: extends: “../../x.yaml”指向指标体系文件夹之外："
        "指标体系只能读取其所在文件夹及下级文件夹中的文件，或 jixiao "
        "随附的指标体系（indicators/） [path-outside]\n"
    ),
    "spec-target-full-width-ok-but-unit-wrong": (
        "{d}spec.yaml:27:53: indicators[效益].children[服务对象满意度].rule.target: "
        "目标值“90万元”的单位是“万元”，与要求的比率（如 99.14% 或 0.9914）不符 "
        "[unit-mismatch]\n"
    ),
    "formula-unknown-name": (
        "{d}spec.yaml:11:20: derived.预算执行率.formula: 公式中的名称 '实际支岀' 未定义；"
        "是否应为“实际支出”？（公式“实际支岀 / 预算资金”） [formula-unknown-name]\n"
    ),
    "formula-percent": (
        "{d}spec.yaml:11:34: derived.预算执行率.formula: 公式中的“100%”不是数值；请写作 "
        "1.00（公式“实际支出 / 预算资金 * 100%”） [formula-syntax]\n"
    ),
    "formula-assignment": (
        "{d}spec.yaml:11:26: derived.预算执行率.formula: 公式中不允许赋值（“=”）；"
        "比较请用“==”（公式“实际支出 = 预算资金”） [formula-syntax]\n"
    ),
    "formula-division-by-zero": (
        "{d}spec.yaml:11:28: derived.预算执行率.formula: 除数为零：除数 '1 - 1' 恒为 "
        "0（公式“实际支出 / (1 - 1)”） [division-by-zero]\n"
    ),
    "formula-lambda": (
        "{d}spec.yaml:11:22: derived.预算执行率.formula: 公式中不允许使用 "
        "lambda（公式“(lambda: 实际支出)()”） [formula-forbidden]\n"
    ),
    "formula-ten-thousand-terms": (
        "{d}spec.yaml:11:20: derived.预算执行率.formula: 公式过长（69997 个字符；最多 1000 "
        "个） [formula-too-long]\n"
    ),
    "formula-superscript-power": (
        "{d}spec.yaml:11:31: derived.预算执行率.formula: '²' (SUPERSCRIPT TWO) 不是数字；"
        "请输入 2；乘方请写作“** 2”（公式“实际支出 / 预算资金²”） [look-alike-character]\n"
    ),
    "facts-missing-values": (
        "{d}facts.yaml:4:3: values: 缺少事实“预算资金”（年度预算资金，金额，单位 万元），"
        "以下指标需要它：预算执行率 [missing-fact]\n"
        "{d}facts.yaml:4:3: values: 缺少事实“实际支出”（实际支出资金，金额，单位 万元），"
        "以下指标需要它：预算执行率 [missing-fact]\n"
    ),
    "facts-unknown-fact": (
        "{d}facts.yaml:4:3: values: 缺少事实“满意度”（服务对象满意度，比率，单位 %），"
        "以下指标需要它：服务对象满意度 [missing-fact]\n"
        "{d}facts.yaml:6:3: values.满意率: 未知的事实“满意率”；是否应为“满意度”？ "
        "[unknown-fact]\n"
    ),
    "facts-unit-mismatch": (
        "{d}facts.yaml:5:9: values.实际支出: 事实“实际支出”："
        "数值“109.05万人”的单位是“万人”，与要求的以万元计的金额（元/万元/亿元会自动换算）"
        "不符 [unit-mismatch]\n"
    ),
    "facts-below-minimum": (
        "{d}facts.yaml:5:9: values.实际支出: 事实“实际支出”为 -109.05万元，低于下限 0万元 "
        "[fact-out-of-range]\n"
    ),
    "facts-rate-ambiguous": (
        "{d}facts.yaml:6:8: values.满意度: 事实“满意度”：“96.5”作为比率有歧义："
        "百分数请写作 96.5%，小数比率请写作 0.965 [rate-ambiguous]\n"
    ),
    "facts-thousands-bad": (
        "{d}facts.yaml:5:9: values.实际支出: 事实“实际支出”：'10,90,500元' "
        "不是带单位的数值：千分位分隔符须每三位一组，如“1,100,000”（小数点为“.”） "
        "[bad-thousands]\n"
    ),
    "facts-count-fraction": (
        "{d}facts.yaml:7:8: values.问题数: 事实“问题数”：应为整数（单位：个），实际为 "
        "1.5个 [fact-not-whole]\n"
    ),
    "facts-na-dash": (
        "{d}facts.yaml:6:8: values.满意度: 事实“满意度”填写为“—”（不适用）：请改为在 "
        "not_applicable 中标注用到它的指标 [fact-not-applicable]\n"
    ),
    "facts-na-unknown-indicator": (
        "{d}facts.yaml:12:3: not_applicable.满意度调查: 未知指标“满意度调查”；"
        "是否应为“服务对象满意度”？ [unknown-indicator]\n"
    ),
    "facts-rating-out-of-tier": (
        "{d}facts.yaml:8:9: ratings.长效机制: 得分 12 不在评价等级 达成（达成年度指标）"
        "的范围 [16, 20] 分（80%–100%） 内；请选择与得分相符的等级，或修改得分 "
        "[tier-range]\n"
    ),
    "facts-rating-unknown-tier": (
        "{d}facts.yaml:8:9: ratings.长效机制: 未知的评价等级“达标”；应为 达成、部分达成、"
        "未达成 之一；是否应为“达成”？ [tier-unknown]\n"
    ),
    "facts-rating-neither": (
        "{d}facts.yaml:8:9: ratings.长效机制: 请为评价等级 达成 给出 score（满分 20 "
        "的得分）或 share（比例，如 90%） [rating-score]\n"
    ),
    "facts-adjustment-parent": (
        "{d}facts.yaml:12:17: adjustments[0].indicator: 只能调整末级指标，"
        "不能调整有下级指标的“过程” [adjustment-not-leaf]\n"
    ),
    "facts-year-negative": (
        "{d}facts.yaml:2:29: project.year: “-1”不是年度：应以评价年度开头，如 2021 [bad-value]\n"
    ),
    "facts-empty": (
        "{d}facts.yaml:1:1: 事实文件应为含 project: 和 values: 的映射，实际为空文件 [facts-shape]\n"
    ),
    "facts-division-by-zero": (
        "{d}facts.yaml:4:3: values: 无法计算预算执行率（实际支出 / 预算资金）："
        "公式“实际支出 / 预算资金”除数为零（预算资金 = 0）；以下指标需要它：预算执行率 "
        "[division-by-zero]\n"
    ),
    "facts-hex": (
        "{d}facts.yaml:7:8: values.问题数: 事实“问题数”：'0x10' 不是带单位的数值：不识别 "
        "0x（十六进制）等前缀；请用十进制数字书写 [not-a-number]\n"
    ),
    "facts-nan": (
        "{d}facts.yaml:5:9: values.实际支出: 事实“实际支出”：'NaN' 不是有限数值："
        "应为普通数值，如“110” [not-finite]\n"
    ),
}


def _codes(stderr: str) -> list[str]:
    return re.findall(r"\[([a-z0-9-]+)\]$", stderr, re.MULTILINE)


@pytest.mark.parametrize("name", sorted(CHINESE))
def test_bad_input_in_chinese_and_in_english(
    name: str, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = parse(CASES / name / "expected.txt")
    english = jixiao("--lang", "en", *case.argv)
    assert (english.code, english.err) == (case.exit_code, case.stderr)
    monkeypatch.delenv("JIXIAO_LANG")  # the default: Chinese
    chinese = jixiao(*case.argv)
    expected = CHINESE[name].replace("{d}", f"tests/bad_inputs/{name}/")
    assert (chinese.code, chinese.err) == (case.exit_code, expected)
    assert _codes(chinese.err) == _codes(english.err) != []


def test_the_sample_covers_every_area_of_the_core() -> None:
    """At least 25 real inputs, from specs, formulas and facts alike."""
    assert len(CHINESE) >= 25
    for area in ("spec-", "formula-", "facts-"):
        assert sum(name.startswith(area) for name in CHINESE) >= 5, area


BASE = """\
id: demo
name: 演示指标体系
version: "1"
facts:
  实际支出: {kind: money, unit: 万元}
  预算资金: {kind: money, unit: 万元}
derived:
  预算执行率: {formula: 实际支出 / 预算资金, kind: rate}
indicators:
  - id: 过程
    weight: 100
    children:
      - id: 预算执行率
        weight: 100
        rule: {kind: positive, actual: 预算执行率, target: "≥95%"}
"""
FACTS = "project: {name: 演示项目, year: 2021}\nvalues: {实际支出: 95万元, 预算资金: 100万元}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "facts.yaml").write_text(FACTS, encoding="utf-8")
    return tmp_path


def _both(
    jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, *argv: str
) -> tuple[Run, Run]:
    english = jixiao("--lang", "en", *argv)
    monkeypatch.delenv("JIXIAO_LANG")
    return english, jixiao(*argv)


def test_profile_naming_what_is_not_in_its_base(
    project: Path, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = project / "profile.yaml"
    profile.write_text(
        "extends: base.yaml\npatch:\n  预算执行:\n    weight: 50\nremove: [不存在]\n",
        encoding="utf-8",
    )
    english, chinese = _both(jixiao, monkeypatch, "validate", str(profile))
    assert english.code == 1
    assert english.err == (
        f"{profile}:3:3: patch.预算执行: no indicator '预算执行' in the base to patch; did you "
        "mean '预算执行率'? [overlay-unknown-indicator]\n"
        f"{profile}:5:10: remove[0]: no indicator '不存在' in the base to remove "
        "[overlay-unknown-indicator]\n"
    )
    assert chinese.code == 1
    assert chinese.err == (
        f"{profile}:3:3: patch.预算执行: 基础指标体系中没有要修改（patch）的指标“预算执行”；"
        "是否应为“预算执行率”？ [overlay-unknown-indicator]\n"
        f"{profile}:5:10: remove[0]: 基础指标体系中没有要删除（remove）的指标“不存在” "
        "[overlay-unknown-indicator]\n"
    )


def test_profile_keys_without_extends(
    project: Path, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = project / "spec.yaml"
    spec.write_text(BASE.replace("facts:", "add: []\nfacts:", 1), encoding="utf-8")
    english, chinese = _both(jixiao, monkeypatch, "validate", str(spec))
    keys = (
        "id, name, version, basis, description, total, rounding, grades, qualitative_tiers, "
        "reverse_formula, overshoot_ratio, facts, derived, indicators, survey_scale, "
        "cost_effectiveness, application, weight_checks, cases"
    )
    assert english.err == (
        f"{spec}:4:1: add: 'add' is only allowed in a profile that has 'extends:' "
        "[overlay-without-base]\n"
        f"{spec}:4:1: add: unknown key 'add'; expected one of: {keys} [unknown-key]\n"
    )
    assert chinese.err == (
        f"{spec}:4:1: add: “add”只能用于带有“extends:”的派生配置（profile） "
        "[overlay-without-base]\n"
        f"{spec}:4:1: add: 未知的键“add”；可用的键为：{keys} [unknown-key]\n"
    )
    assert english.code == chinese.code == 1


def test_set_that_names_nothing(
    project: Path, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["score", str(project / "base.yaml"), str(project / "facts.yaml")]
    argv += ["--set", "过程.weigth=5", "--set", "执行率=3", "--set", "=x"]
    english, chinese = _both(jixiao, monkeypatch, *argv)
    assert english.code == 1
    assert english.err == (
        "--set: the spec was changed by --set 过程.weigth=5; 执行率=3; =x when these problems "
        "arose [override-effect]\n"
        "--set: --set '执行率=3': '执行率' is neither an indicator id nor a spec setting; did "
        "you mean '预算执行率'? [override-syntax]\n"
        "--set: --set '=x': write PATH=VALUE, e.g. 预算执行率.weight=20 [override-syntax]\n"
        "--set: indicators[过程].weigth: unknown key 'weigth'; did you mean 'weight'? "
        "[unknown-key]\n"
    )
    assert chinese.code == 1
    assert chinese.err == (
        "--set: 出现以下问题时，指标体系已被 --set 过程.weigth=5; 执行率=3; =x 修改 "
        "[override-effect]\n"
        "--set: --set “执行率=3”：“执行率”既不是指标 id，也不是指标体系的设置项；"
        "是否应为“预算执行率”？ [override-syntax]\n"
        "--set: --set “=x”：应写作 路径=值，如 预算执行率.weight=20 [override-syntax]\n"
        "--set: indicators[过程].weigth: 未知的键“weigth”；是否应为“weight”？ [unknown-key]\n"
    )


def test_set_that_breaks_a_weight_sum(
    project: Path, jixiao: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = project / "base.yaml"
    argv = ["score", str(spec), str(project / "facts.yaml"), "--set", "预算执行率.weight=90"]
    english, chinese = _both(jixiao, monkeypatch, *argv)
    assert english.err == (
        "--set: the spec was changed by --set 预算执行率.weight=90 when these problems arose "
        "[override-effect]\n"
        f"{spec}:11:13: indicators[过程].weight: weights of the children of '过程' sum to 90, "
        "but its weight is 100 (off by -10) [weight-sum]\n"
    )
    assert chinese.err == (
        "--set: 出现以下问题时，指标体系已被 --set 预算执行率.weight=90 修改 [override-effect]\n"
        f"{spec}:11:13: indicators[过程].weight: 指标“过程”的下级指标分值合计 90，"
        "但其分值为 100（相差 -10） [weight-sum]\n"
    )


def test_the_library_follows_jixiao_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CLI: the language of JIXIAO_LANG, Chinese without it; i18n.using overrides both."""
    text = BASE.replace('target: "≥95%"', 'target: "≤95%"')
    where = "<spec>:15:55: indicators[过程].children[预算执行率].rule.target: "
    english = (
        "target '≤95%' uses ≤, but a positive rule takes ≥ or > or =; use kind: reverse for "
        "lower-is-better targets [target-operator]"
    )
    chinese = (
        "目标值“≤95%”用的是 ≤，但 positive 评分规则只接受 ≥ 或 > 或 =；越低越好的目标请用 "
        "kind: reverse [target-operator]"
    )
    with pytest.raises(ScoringError) as info:
        load_spec_text(text)
    assert str(info.value) == where + english
    monkeypatch.delenv("JIXIAO_LANG")
    with pytest.raises(ScoringError) as info:
        load_spec_text(text)
    assert str(info.value) == where + chinese
    with i18n.using("en"), pytest.raises(ScoringError) as info:
        load_spec_text(text)
    assert str(info.value) == where + english


def test_a_result_keeps_the_language_it_was_scored_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """The indicator tree and warnings are worked out when first read; they are still worded in
    the language of the score() call, whenever they are read."""
    monkeypatch.setenv("JIXIAO_LANG", "en")
    spec = load_spec(ROOT / "indicators" / "xinfang_weiwen.yaml")
    facts = load_facts(ROOT / "examples" / "hengnan_xinfang_2021.yaml")
    with i18n.using("zh"):
        chinese = score(spec, facts)
    english = score(spec, facts)
    assert chinese.warnings[0].message.startswith(
        "实际支出资金：明细合计 89.052万元 与总数 109.05万元 不符"
    )
    assert english.warnings[0].message.startswith(
        "实际支出资金: the items sum to 89.052万元, not to the total 109.05万元"
    )
