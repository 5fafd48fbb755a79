"""The ``jixiao`` subcommands: one module each, listed in ``COMMANDS`` (the CLI's registry).

A command module defines ``add_arguments(parser)`` and ``run(args, stdout, stderr) -> int``. It
calls the library and a renderer and does nothing else; ``ScoringError`` and ``errors.UsageError``
raised from ``run`` are turned into exit codes by ``cli.main``. Only the module of the command
being run is imported: a start of ``jixiao`` does not load what the other commands need.

May import every package but ``cli``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..i18n import N_

__all__ = ["ABOUT", "COMMANDS", "load"]

# name → the help ``jixiao --help`` shows, in the order it lists them. The help (and ABOUT below)
# is English, marked for the catalogues with N_ and translated by cli.build_parser when it is
# shown: a module constant is made before the language is chosen.
COMMANDS: dict[str, str] = {
    "validate": N_("check indicator system files; every problem with file:line:col"),
    "score": N_("score one project's facts; print the 自评表"),
    "batch": N_(
        "score many projects (folder, CSV, XLSX, JSON Lines) into one CSV/JSONL/XLSX, "
        "with a summary"
    ),
    "explain": N_("where each point went and what the next grade takes"),
    "diff": N_("score the same facts under two specs or profiles and show what changes"),
    "init": N_("write a facts template listing every fact and rating the spec needs"),
    "test": N_("run the test cases of specs and report indicator and rule-branch coverage"),
    "schema": N_("print the JSON Schema of the spec (or facts) file format"),
    "systems": N_("list the indicator systems shipped with jixiao (jixiao:NAME)"),
    "import": N_("read a filled 自评表 (xlsx/csv) into a spec + facts pair"),
    "review": N_("复核: recompute a filed 自评表 and list what does not add up"),
    "report": N_("write a draft 自评报告 (.docx, .pdf or .html) for one project"),
    "compare": N_("比较法 across years, with 因素分析法 of each change of the total"),
    "survey": N_("公众评判法: questionnaire answers → 满意度 with its sample and 95%% interval"),
}

# A command's module in this package is named as the command, but for ``import`` (a keyword).
_MODULES = {"import": "import_table"}

# name → (what ``jixiao NAME --help`` says first, its examples as (what it does, command line)).
# The command lines run as shown from the repository root, in order (tests/test_i18n.py runs
# them). Unlike the help above, argparse does not %-format these: a percent sign is written once.
ABOUT: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "validate": (
        N_(
            "Check indicator system files (specs, profiles) and their test cases without scoring "
            "anything: every problem is reported at once, each with file:line:col and its code. "
            "A folder is checked with everything in it."
        ),
        (
            (N_("one spec"), "jixiao validate indicators/xinfang_weiwen.yaml"),
            (N_("every spec and cases file of a folder"), "jixiao validate indicators/"),
        ),
    ),
    "score": (
        N_(
            "Score one project: the indicator system (SPEC) applied to the project's facts "
            "(FACTS), printed as the 自评表 with the total, the grade and the warnings (提示). "
            "SPEC and FACTS are files, or jixiao:NAME for those shipped with jixiao "
            "(jixiao systems lists them)."
        ),
        (
            (
                N_("the shipped example, printed as a table"),
                "jixiao score jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2021",
            ),
            (
                N_("the 自评表 as an Excel workbook"),
                "jixiao score jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2021 -o 自评表.xlsx",
            ),
            (
                N_("a one-off change of a weight, for a what-if"),
                (
                    "jixiao score jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2021 "
                    "--set 预算执行率.weight=7 --set 资金到位率.weight=3"
                ),
            ),
        ),
    ),
    "batch": (
        N_(
            "Score many projects under one indicator system: a folder of facts files, facts "
            "files, a table with a row per project (CSV, XLSX, JSON Lines, Parquet) or the rows "
            "of a database query. One output row per project (a file, or a table of the "
            "database), a project that cannot be scored is a row with its error, and a summary "
            "of the grades and of where points were lost."
        ),
        (
            (
                N_("two projects into one workbook"),
                (
                    "jixiao batch jixiao:xinfang_weiwen examples/hengnan_xinfang_2021.yaml "
                    "examples/hengnan_xinfang_2022_constructed.yaml -o 结果.xlsx"
                ),
            ),
            (
                N_("with the summary as a web page, on two processes"),
                (
                    "jixiao batch jixiao:xinfang_weiwen examples/hengnan_xinfang_2021.yaml "
                    "examples/hengnan_xinfang_2022_constructed.yaml -o 结果.csv "
                    "--summary 汇总.html --workers 2"
                ),
            ),
        ),
    ),
    "explain": (
        N_(
            "Where each point of a project's score went: the indicators that lost points, most "
            "first, each with its actual value, target and rule, and what the next grade takes. "
            "With INDICATOR, that one indicator in detail."
        ),
        (
            (
                N_("every indicator that lost points"),
                "jixiao explain jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2021",
            ),
            (
                N_("one indicator, by its name or id"),
                "jixiao explain jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2021 预算执行率",
            ),
        ),
    ),
    "diff": (
        N_(
            "What a change of weights does: the same facts scored under two indicator systems "
            "(or two versions of one). Given facts files, the indicators that change, project "
            "by project; given a population (CSV, XLSX, JSON Lines, Parquet or a folder of facts "
            "files, or facts files with --html or --format json), a summary of the grade "
            "changes, the mean and spread of the change of each first-level indicator and of "
            "the total, the projects that move most, and the records in error."
        ),
        (
            (
                N_("a profile against its base, for one project"),
                (
                    "jixiao diff jixiao:xinfang_weiwen jixiao:xinfang_weiwen_process_heavy "
                    "examples/hengnan_xinfang_2021.yaml"
                ),
            ),
            (
                N_("projects as a population, the summary also as a page"),
                (
                    "jixiao diff jixiao:xinfang_weiwen jixiao:xinfang_weiwen_process_heavy "
                    "examples/hengnan_xinfang_2021.yaml "
                    "examples/hengnan_xinfang_2022_constructed.yaml --top 5 --html 影响.html"
                ),
            ),
        ),
    ),
    "init": (
        N_(
            "Write a facts template for an indicator system: every fact it needs with its "
            "label, kind, unit and source, and every qualitative indicator with its 评分标准 "
            "and tiers. Scoring the template unfilled lists everything still to fill in."
        ),
        (
            (
                N_("a template to fill in"),
                "jixiao init jixiao:tianchang_flood_defence_2022 -o 事实.yaml",
            ),
        ),
    ),
    "test": (
        N_(
            "Run the test cases kept beside each spec (SPEC.cases.yaml): each case's facts are "
            "scored and compared with what it expects. Prints which cases fail and how much of "
            "the spec they cover (indicators and rule branches)."
        ),
        (
            (N_("every spec of a folder"), "jixiao test indicators/"),
            (
                N_(
                    "fail when rule-branch coverage is under 95%, and list the branches not covered"
                ),
                "jixiao test indicators/xinfang_weiwen.yaml --fail-under 95 --missing",
            ),
        ),
    ),
    "schema": (
        N_(
            "Print the JSON Schema of the spec file format (or of facts, or of test cases), for "
            "an editor to complete and check YAML as it is typed."
        ),
        (
            (N_("the spec schema, saved for an editor"), "jixiao schema > jixiao-spec.json"),
            (N_("the facts schema"), "jixiao schema --facts > jixiao-facts.json"),
        ),
    ),
    "systems": (
        N_(
            "List the indicator systems shipped with jixiao, each with its name (jixiao:NAME, "
            "for SPEC or extends:), version and the documents it follows, and the example "
            "facts files."
        ),
        (
            (N_("the list"), "jixiao systems"),
            (N_("the same for another program"), "jixiao systems --format json"),
        ),
    ),
    "import": (
        N_(
            "Read a filled 自评表 (xlsx, xls, csv, docx or pdf) into a spec, a facts file and "
            "the scores as filed (stated.yaml), so that jixiao score reproduces it and jixiao "
            "review compares against it."
        ),
        (
            (
                N_("a table written by jixiao score, into a folder"),
                "jixiao import 自评表.xlsx -o 导入",
            ),
        ),
    ),
    "review": (
        N_(
            "复核 a filed 自评表: recompute it under its rules and list every finding (a score "
            "that does not follow from its values, a total that does not add up, a missing "
            "explanation) with its cell and code. A folder of tables gives a workbook with a "
            "row per file."
        ),
        (
            (N_("one table"), "jixiao review 自评表.xlsx"),
            (
                N_("a folder of tables, with a page charting the findings"),
                "jixiao review 表格/ -o 复核.xlsx --summary 复核.html",
            ),
        ),
    ),
    "report": (
        N_(
            "Write a draft 自评报告 for one project, every figure filled in from its score; "
            "what only a person can write is marked 【待填写】. The suffix of -o picks the form: "
            ".docx, .pdf (through LibreOffice) or .html."
        ),
        (
            (
                N_("the report as a Word document"),
                "jixiao report jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2021 -o 报告.docx",
            ),
            (
                N_("with the previous year compared (比较法)"),
                (
                    "jixiao report jixiao:xinfang_weiwen jixiao:hengnan_xinfang_2022_constructed "
                    "--previous jixiao:hengnan_xinfang_2021 -o 报告.html"
                ),
            ),
        ),
    ),
    "compare": (
        N_(
            "比较法 and 因素分析法: the facts of one project over several years, each scored, "
            "with each indicator's actual value, score and change, and each change of the "
            "total split exactly into the indicators' weight and rate effects. With --peers, "
            "the project's standing among projects of its kind."
        ),
        (
            (
                N_("two years under one spec"),
                (
                    "jixiao compare jixiao:hengnan_xinfang_2021 jixiao:hengnan_xinfang_2022_constructed "
                    "--spec jixiao:xinfang_weiwen"
                ),
            ),
            (
                N_("the same as a page with charts"),
                (
                    "jixiao compare jixiao:hengnan_xinfang_2021 jixiao:hengnan_xinfang_2022_constructed "
                    "--spec jixiao:xinfang_weiwen -o 比较.html"
                ),
            ),
        ),
    ),
    "survey": (
        N_(
            "公众评判法: a questionnaire's answers (xlsx or csv: the questions in the first row, "
            "a respondent a row) → the 满意度, with its "
            "sample, its interval (95%) and the answers that could not be counted; -o writes it "
            "as a facts file to score with."
        ),
        (
            (N_("the answers of a survey"), "jixiao survey examples/satisfaction_survey.csv"),
            (
                N_("written as the fact 满意度, for jixiao score"),
                "jixiao survey examples/satisfaction_survey.csv -o 满意度.yaml",
            ),
        ),
    ),
}


def load(name: str) -> ModuleType:
    """The module of command ``name``."""
    return importlib.import_module(f".{_MODULES.get(name, name)}", __name__)
