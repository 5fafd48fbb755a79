"""Chinese first, English on request (scoring/i18n.py and the catalogues under scoring/locale/).

Three kinds of check:

- the catalogues: every message code in docs/errors.md has a ``tr(code, …)`` msgid in the
  source, read as Babel's extractor reads it (so English covers the code), and the zh_CN
  catalogues translate every extracted msgid with the same ``{fields}`` (so Chinese covers it);
  each compiled .mo is what its .po says;
- the language: ``--lang``, then ``JIXIAO_LANG``, then Chinese; an unknown one is a usage error;
- whole messages of real errors through the CLI, in both languages.

The rest of the suite runs in English (tests/conftest.py sets JIXIAO_LANG=en); the tests here
that want Chinese ask for it.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib.util
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import package_trees

from scoring import cli, i18n
from scoring.commands import ABOUT, COMMANDS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scoring"
MESSAGES = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES"
KEYWORDS = {"tr": ((1, "c"), 2), "ui": None, "N_": None}

# Codes with no message of their own to translate: ``error`` is the default code of a
# ScoringError built from a message alone, and that message was translated where it was made.
NO_MESSAGE_OF_THEIR_OWN: frozenset[str] = frozenset({"error"})


def _tool() -> ModuleType:
    """tools/translations.py, the command that extracts and compiles (its SOURCES)."""
    spec = importlib.util.spec_from_file_location(
        "translations", ROOT / "tools" / "translations.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documented_codes() -> list[str]:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    return re.findall(r"^### `([a-z0-9-]+)`", text, re.MULTILINE)


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@functools.cache
def _extracted() -> tuple[tuple[str, int, str | None, str], ...]:
    """(module, line, context, msgid) of every message in the package, as pybabel reads them
    (once a test process: three tests read them)."""
    found = []
    for path in _modules():
        for line, message, _, context in extract_from_file("python", str(path), KEYWORDS):
            assert isinstance(message, str)
            found.append((str(path.relative_to(ROOT)), line, context, message))
    return tuple(found)


def _po(domain: str) -> Catalog:
    with (MESSAGES / f"{domain}.po").open("rb") as po:
        return read_po(po)


def _translated(catalog: Catalog) -> dict[tuple[str | None, str], str]:
    """(context, msgid) → translation of every entry translated for good (not fuzzy)."""
    found = {}
    for message in catalog:
        if (
            isinstance(message.id, str)
            and message.id
            and not message.fuzzy
            and isinstance(message.string, str)
            and message.string
        ):
            found[(message.context, message.id)] = message.string
    return found


# ---------------------------------------------------------------------------- the catalogues


def test_every_module_is_in_one_domain() -> None:
    """A module outside every domain would never have its messages extracted."""
    sources = _tool().SOURCES
    assert set(sources) | {"argparse"} == set(i18n.DOMAINS)
    owners: dict[str, list[str]] = {}
    for domain, paths in sources.items():
        for name in paths:
            path = ROOT / name
            assert path.exists(), name
            for module in [path] if path.is_file() else sorted(path.rglob("*.py")):
                owners.setdefault(str(module.relative_to(ROOT)), []).append(domain)
    modules = {str(path.relative_to(ROOT)) for path in _modules()}
    assert {module: domains for module, domains in owners.items() if len(domains) > 1} == {}
    assert sorted(modules - set(owners)) == []


def test_tr_and_ui_are_called_with_literals() -> None:
    """The extractor reads string literals only: a code or msgid in a variable, or an f-string,
    would be a message no catalogue can translate. (``ui`` may be given a variable: a msgid
    marked with ``N_`` where it is written.)"""
    unreadable = []
    for path, tree in package_trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            literals = {"tr": 2, "N_": 1}.get(node.func.id, 0)
            args = node.args[:literals]
            if literals and (
                len(args) < literals
                or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args)
            ):
                unreadable.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert unreadable == []


def test_every_documented_code_has_a_message_in_both_languages() -> None:
    """English: some tr(code, …) in the source spells the message. Chinese: the catalogues
    translate every msgid extracted (checked by the next test)."""
    contexts = {context for _, _, context, _ in _extracted()}
    uncovered = {code for code in _documented_codes() if code not in contexts}
    assert sorted(uncovered - NO_MESSAGE_OF_THEIR_OWN) == [], "wrap these codes' messages with tr()"
    assert sorted(NO_MESSAGE_OF_THEIR_OWN - uncovered) == [], "it has a message now: take it off"


def _finding_codes() -> list[str]:
    """The codes of review findings (docs/review.md's table), a catalogue of their own."""
    text = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([a-z0-9_]+)` \|", text, re.MULTILINE)


def test_every_code_used_as_a_context_is_documented() -> None:
    """tr()'s first argument is a code of docs/errors.md (or a review finding's code of
    docs/review.md), spelt as there."""
    documented = {*_documented_codes(), *_finding_codes()}
    wrong = sorted(
        f"{module}:{line}: {context}"
        for module, line, context, _ in _extracted()
        if context is not None and context not in documented
    )
    assert wrong == []


def test_chinese_translates_every_message_and_keeps_its_fields() -> None:
    """Every msgid of the source is translated in zh_CN — not empty, not fuzzy — and the
    translation names the same {fields} (it may quote or format them its own way)."""
    translated: dict[tuple[str | None, str], str] = {}
    for domain in _tool().SOURCES:
        translated.update(_translated(_po(domain)))
    missing, fields = [], []
    for module, line, context, msgid in _extracted():
        text = translated.get((context, msgid))
        if text is None:
            missing.append(f"{module}:{line}: [{context}] {msgid}")
        elif i18n.field_names(text) != i18n.field_names(msgid):
            fields.append(f"{module}:{line}: {msgid!r} → {text!r}")
    assert missing == [], "translate these (python tools/translations.py, then the .po)"
    assert fields == []


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_catalogue_passes_babels_checks(domain: str) -> None:
    """Babel's own checks (pybabel compile reports them but compiles anyway): a msgid that looks
    %-formatted to it ("95% of" reads as the placeholder "% o") needs the same in translation,
    so write such text otherwise ("95 percent", "at 95%")."""
    problems = [
        f"{domain}.po:{message.lineno}: {message.id!r}: {'; '.join(map(str, errors))}"
        for message, errors in _po(domain).check()
    ]
    assert problems == []


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_compiled_catalogue_is_what_its_source_says(domain: str) -> None:
    """The .mo the package loads holds exactly the translations of the .po beside it: a .po
    edited without `python tools/translations.py` fails here."""
    with (MESSAGES / f"{domain}.mo").open("rb") as mo:
        compiled = _translated(read_mo(mo))
    assert compiled == _translated(_po(domain))


def test_argparse_words_are_those_argparse_looks_up() -> None:
    """The msgids of argparse.po that every supported Python's argparse uses are translated;
    argparse itself looks its words up through the gettext names it imported."""
    import argparse

    words = _translated(_po("argparse"))
    for msgid in ("usage: ", "positional arguments", "options", "show this help message and exit"):
        assert (None, msgid) in words
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    assert "from gettext import gettext as _, ngettext" in source


# ---------------------------------------------------------------------------- the API


def test_language_follows_the_environment_until_one_is_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert i18n.language() == "en"  # tests/conftest.py
    monkeypatch.setenv("JIXIAO_LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh"
    monkeypatch.delenv("JIXIAO_LANG")
    assert i18n.language() == "zh"  # the default
    monkeypatch.setenv("JIXIAO_LANG", "klingon")
    assert i18n.language() == "zh"  # the library goes on; the CLI refuses it
    with i18n.using("en"):
        assert i18n.language() == "en"
        with i18n.using("zh"):
            assert i18n.language() == "zh"
        assert i18n.language() == "en"
    assert i18n.language() == "zh"


@pytest.mark.parametrize(
    ("given", "language"),
    [("en", "en"), ("EN", "en"), ("zh", "zh"), ("zh-CN", "zh"), ("en_US.UTF-8", "en")],
)
def test_parse_language(given: str, language: str) -> None:
    assert i18n.parse_language(given) == language


@pytest.mark.parametrize("given", ["", "xx", "fr_FR", "chinese"])
def test_parse_language_refuses_other_languages(given: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(given)}$"):
        i18n.parse_language(given)


def test_set_language_none_follows_the_environment_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_chosen", None)
    i18n.set_language("zh")
    assert i18n.language() == "zh"
    i18n.set_language(None)
    assert i18n.language() == "en"


def test_english_is_the_msgid_filled_in() -> None:
    with i18n.using("en"):
        assert i18n.tr("weight-sum", "weights sum to {total}", total=90) == "weights sum to 90"
        assert i18n.ui("{{literal}} and {n}", n=1) == "{literal} and 1"


def test_chinese_uses_the_catalogue_by_code() -> None:
    """argparse's words stand in for a message here: they are translated whatever the other
    catalogues hold."""
    with i18n.using("zh"):
        assert i18n.ui("show this help message and exit") == "显示本帮助并退出"
        # Not in any catalogue: the English, filled in.
        assert i18n.tr("weight-sum", "no such msgid {x}", x=1) == "no such msgid 1"


def test_a_translation_that_lost_a_field_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(i18n, "_translated", lambda language, context, msgid: "合计 {totl}")
    assert i18n.tr("weight-sum", "sum {total}", total=1) == "sum 1"
    with pytest.raises(KeyError):
        i18n.tr("weight-sum", "sum {total}")  # the msgid itself wrong: a bug, raised


def test_field_names() -> None:
    assert i18n.field_names("{a!r} is {b:.2f}, not {c[0]} or {d.x}; {{e}}") == {"a", "b", "c", "d"}


def test_library_messages_follow_jixiao_lang_in_a_fresh_process() -> None:
    """Importing scoring without the CLI: JIXIAO_LANG, else Chinese."""
    program = "from scoring import i18n; print(i18n.language())"
    for env, expected in ((None, "zh"), ("en", "en"), ("zh", "zh")):
        environment = {k: v for k, v in __import__("os").environ.items() if k != "JIXIAO_LANG"}
        if env is not None:
            environment["JIXIAO_LANG"] = env
        done = subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            env=environment,
            cwd=ROOT,
            check=True,
        )
        assert done.stdout == f"{expected}\n"


# ---------------------------------------------------------------------------- through the CLI

SPEC = "indicators/xinfang_weiwen.yaml"
FACTS = "examples/hengnan_xinfang_2021.yaml"


def _in(language: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The options that ask for ``language`` as a user would: ``--lang en`` for English, and
    nothing at all (no JIXIAO_LANG either) for Chinese, the default."""
    if language == "zh":
        monkeypatch.delenv("JIXIAO_LANG")
        return []
    return ["--lang", language]


@pytest.mark.parametrize(
    ("argv", "code", "english", "chinese"),
    [
        pytest.param(
            ["score", SPEC, FACTS, "--set", "预算执行率.weight=10"],
            1,
            "--set: the spec was changed by --set 预算执行率.weight=10 when these problems arose "
            "[override-effect]\n"
            f"{SPEC}:113:17: indicators[过程].children[资金管理].weight: weights of the children "
            "of '资金管理' sum to 20, but its weight is 15 (off by +5) [weight-sum]\n",
            "--set: 出现以下问题时，指标体系已被 --set 预算执行率.weight=10 修改 [override-effect]\n"
            f"{SPEC}:113:17: indicators[过程].children[资金管理].weight: 指标“资金管理”的下级指标"
            "分值合计 20，但其分值为 15（相差 +5） [weight-sum]\n",
            id="weight-sum",
        ),
        pytest.param(
            ["explain", SPEC, FACTS, "预算执行"],
            2,
            f"jixiao: error: unknown indicator '预算执行' in {SPEC}; did you mean '预算执行率'?\n",
            f"jixiao：错误：{SPEC} 中没有指标“预算执行”；是否指“预算执行率”？\n",
            id="unknown-indicator",
        ),
        pytest.param(
            ["score", SPEC],
            2,
            "jixiao score: error: the following arguments are required: FACTS\n"
            "usage: jixiao score [-h] [--format {csv,docx,html,json,markdown,table,xlsx}]\n"
            "                    [-o FILE] [--force] [--set PATH=VALUE] [--lang {zh,en}]\n"
            "                    SPEC FACTS\n",
            "jixiao score：错误：缺少以下必需参数：FACTS\n"
            "用法：jixiao score [-h] [--format {csv,docx,html,json,markdown,table,xlsx}]\n"
            "                   [-o FILE] [--force] [--set PATH=VALUE] [--lang {zh,en}]\n"
            "                   SPEC FACTS\n",
            id="usage",
        ),
        pytest.param(
            ["score", SPEC, FACTS, "--format", "pdf"],
            2,
            "jixiao score: error: argument --format/-f: invalid choice: 'pdf' (choose from 'csv', "
            "'docx', 'html', 'json', 'markdown', 'table', 'xlsx')\n"
            "usage: jixiao score [-h] [--format {csv,docx,html,json,markdown,table,xlsx}]\n"
            "                    [-o FILE] [--force] [--set PATH=VALUE] [--lang {zh,en}]\n"
            "                    SPEC FACTS\n",
            "jixiao score：错误：参数 --format/-f：无效的选择：'pdf'（可选：'csv', 'docx', 'html', "
            "'json', 'markdown', 'table', 'xlsx'）\n"
            "用法：jixiao score [-h] [--format {csv,docx,html,json,markdown,table,xlsx}]\n"
            "                   [-o FILE] [--force] [--set PATH=VALUE] [--lang {zh,en}]\n"
            "                   SPEC FACTS\n",
            id="invalid-choice",
        ),
        pytest.param(
            ["init", SPEC, "-o", SPEC],
            1,
            f"{SPEC}: -o is the same file as the input SPEC {SPEC}; jixiao never writes over an "
            "input: name another output file [output-is-input]\n",
            f"{SPEC}: -o 与输入 SPEC {SPEC} 是同一个文件；jixiao 从不覆盖输入：请换一个输出文件 "
            "[output-is-input]\n",
            id="output-is-input",
        ),
        pytest.param(
            ["validate", "indicators/"],
            0,
            "",
            "",
            id="validate-folder",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_real_errors_in_both_languages(
    jixiao: Any,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    code: int,
    english: str,
    chinese: str,
    language: str,
) -> None:
    """The same problem, whole, in English (--lang en) and in Chinese (the default); the codes
    are the same in both."""
    run = jixiao(*_in(language, monkeypatch), *argv)
    assert (run.code, run.err) == (code, english if language == "en" else chinese)


def test_summaries_in_both_languages(
    jixiao: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What a command says it did: validate's line, score -o's (the file's form from its
    suffix), a cases file without its spec."""
    out = tmp_path / "自评表.xlsx"
    lone = tmp_path / "x.cases.yaml"
    lone.write_text("cases: []\n", encoding="utf-8")
    english = jixiao("--lang", "en", "validate", SPEC, str(lone))
    assert (english.code, english.out, english.err) == (
        1,
        (
            f"{SPEC}: ok (信访维稳经费项目支出绩效评价指标体系 v2021.1: 39 indicators, 23 scored, "
            "total 100)\n"
        ),
        f"{lone}: a cases file belongs beside its spec: x.yaml is missing [cases-without-spec]\n",
    )
    scored = jixiao("--lang", "en", "score", SPEC, FACTS, "-o", str(out))
    assert scored.err.splitlines()[-1] == f"wrote {out}: 95.85 优"
    assert zipfile.is_zipfile(out)  # a workbook, as the suffix says
    out.unlink()
    chinese = jixiao(*_in("zh", monkeypatch), "validate", SPEC, str(lone))
    assert (chinese.code, chinese.out, chinese.err) == (
        1,
        (
            f"{SPEC}：通过（信访维稳经费项目支出绩效评价指标体系 v2021.1：39 个指标，23 个计分，"
            "总分 100）\n"
        ),
        f"{lone}: 测试用例文件应放在其指标体系旁：缺少 x.yaml [cases-without-spec]\n",
    )
    scored = jixiao("score", SPEC, FACTS, "-o", str(out))
    assert scored.err.splitlines()[-1] == f"已写出 {out}：95.85 优"


def test_lang_anywhere_on_the_line_and_over_the_environment(
    jixiao: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIXIAO_LANG", "zh")
    after = jixiao("explain", SPEC, FACTS, "预算执行", "--lang", "en")
    assert after.err.startswith("jixiao: error: unknown indicator '预算执行'")
    equals = jixiao("--lang=en", "explain", SPEC, FACTS, "预算执行")
    assert equals.err == after.err
    assert i18n.language() == "zh"  # main() put the language back as it was


def test_unknown_language_is_a_usage_error(jixiao: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """--lang xx, in the language of JIXIAO_LANG; JIXIAO_LANG=xx in Chinese (it names none)."""
    run = jixiao("--lang", "xx", "validate", SPEC)
    assert run.code == 2
    assert run.err.splitlines()[0] == (
        "jixiao: error: argument --lang: invalid choice: 'xx' (choose from 'zh', 'en')"
    )
    assert run.err.splitlines()[1].startswith("usage: jixiao [-h] [--version] [--lang {zh,en}]")
    monkeypatch.setenv("JIXIAO_LANG", "xx")
    run = jixiao("validate", SPEC)
    assert (run.code, run.out, run.err) == (
        2,
        "",
        "jixiao：错误：JIXIAO_LANG='xx' 不是 jixiao 支持的语言；请设为 zh 或 en（不设则为中文）\n",
    )
    assert jixiao("--lang", "en", "validate", SPEC).code == 0  # --lang wins over it


def test_jixiao_lang_in_a_process_of_its_own() -> None:
    """JIXIAO_LANG chooses the language of a command run as a program (as a user runs it)."""
    environ = {k: v for k, v in os.environ.items() if k != "JIXIAO_LANG"}
    for language, expected in (
        ("en", "jixiao score: error: the following arguments are required: FACTS"),
        ("zh", "jixiao score：错误：缺少以下必需参数：FACTS"),
        (None, "jixiao score：错误：缺少以下必需参数：FACTS"),
    ):
        env = environ if language is None else {**environ, "JIXIAO_LANG": language}
        done = subprocess.run(
            [sys.executable, "-m", "scoring", "score", SPEC],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=ROOT,
            check=False,
        )
        assert (done.returncode, done.stderr.splitlines()[0]) == (2, expected)


def _help(argv: list[str]) -> Any:
    """What --help prints (argparse prints it on sys.stdout itself)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(argv) == 0
    return types.SimpleNamespace(out=out.getvalue())


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_chinese_help_has_a_description_and_examples(
    command: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jixiao --help and every jixiao CMD --help, in Chinese by default: argparse's words, the
    description, every option's help and the examples; English with --lang en."""
    argv = [*(() if command is None else (command,)), "--help"]
    english, chinese = _help(["--lang", "en", *argv]), _help([*_in("zh", monkeypatch), *argv])
    assert english.out.startswith("usage: jixiao")
    assert chinese.out.startswith("用法：jixiao")
    for words in ("选项", "显示本帮助并退出", "示例：\n  # "):
        assert words in chinese.out
    assert "\nexamples:\n  # " in english.out
    with i18n.using("zh"):
        description = ABOUT[command][0] if command else cli._DESCRIPTION
        assert "".join(i18n.ui(description).split()) in "".join(chinese.out.split())
    # every option's help is translated: no English help line is left in the Chinese help
    english_help = {line.strip() for line in english.out.splitlines() if line.strip()}
    untranslated = [
        line.strip()
        for line in chinese.out.splitlines()
        if line.strip() in english_help
        and re.search(r"\b[a-z]{3,} [a-z]{3,}\b", line)
        and not line.strip().startswith("jixiao ")
    ]
    assert untranslated == []


def test_every_example_in_the_help_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples of every command's help run as shown (from a folder holding indicators/ and
    examples/, as the repository root does), in order: review reads what score wrote."""
    for name in ("indicators", "examples"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    examples = [command for _, command in cli._EXAMPLES]
    examples += [command for _, (_, shown) in ABOUT.items() for _, command in shown]
    for line in examples:
        words = shlex.split(line)
        assert words[0] == "jixiao"
        target = None
        if ">" in words:
            words, target = words[: words.index(">")], words[words.index(">") + 1]
        if words[1:3] == ["review", "表格/"]:
            (tmp_path / "表格").mkdir()
            shutil.copy(tmp_path / "自评表.xlsx", tmp_path / "表格" / "自评表.xlsx")
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(words[1:], out, err)
        assert code == 0, f"{line}\n{err.getvalue()}"
        if target is not None:
            (tmp_path / target).write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.parametrize("width", [20, 37, 80])
def test_help_wraps_chinese_by_display_width(width: int) -> None:
    """A Chinese character takes two columns; a line breaks between Chinese characters or at a
    space, never before a closing mark nor after an opening one, and loses no text."""
    text = (
        "公众评判法：由问卷答卷（xlsx 或 csv，第一行为题目，每行一份答卷）计算满意度、样本量和 "
        "95% 区间，逐个列出无法计入的答案；-o 把满意度写成可用于计分的事实文件（survey_scale）。"
        " An English sentence follows, with words that must not be split."
    )
    lines = cli._wrap(text, width).splitlines()
    # a closing mark stays on the line it closes, past the margin if need be
    assert all(cli._columns(line.rstrip("，。、；：）")) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())
    assert not any(line[0] in "，。；：）" for line in lines)
    assert not any(line[-1] in "（“" for line in lines)
    words = {word for line in lines for word in line.split()}
    assert {"English", "sentence", "follows,", "split."} <= words


def test_lang_reaches_the_processes_a_command_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """--lang is also put in JIXIAO_LANG while the command runs (a batch's spawned workers read
    it), and taken out after, as main() found it."""
    seen: list[str | None] = []

    def run(args: Any, stdout: Any, stderr: Any) -> int:
        seen.append(os.environ.get("JIXIAO_LANG"))
        return 0

    command = types.SimpleNamespace(add_arguments=lambda parser: None, run=run)
    monkeypatch.setattr(cli, "load", lambda name: command)
    assert cli.main(["systems", "--lang", "zh"], io.StringIO(), io.StringIO()) == 0
    assert cli.main(["systems"], io.StringIO(), io.StringIO()) == 0
    assert seen == ["zh", "en"]
    assert os.environ["JIXIAO_LANG"] == "en"


def test_spec_cases_pass_in_chinese(jixiao: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A case expects an error by its English text (cases files are written so); `jixiao test`
    in Chinese, the default, scores the cases in English and passes them all (as CI runs it)."""
    run = jixiao(*_in("zh", monkeypatch), "test", SPEC, "--fail-under", "95")
    assert run.code == 0, run.out
    assert run.out.startswith(f"{SPEC}：11 个测试用例，11 个通过；")


class _Full(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["--lang", "en"], "<stdout>: cannot write: No space left on device [file-unwritable]\n"),
        (["--lang", "zh"], "<stdout>: 无法写入：No space left on device [file-unwritable]\n"),
    ],
)
def test_a_full_standard_output_in_the_language_asked(argv: list[str], line: str) -> None:
    err = io.StringIO()
    assert cli.main([*argv, "score", SPEC, FACTS], _Full(), err) == 1
    assert err.getvalue() == line
