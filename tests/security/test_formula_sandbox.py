"""Attacks on the formula sandbox: each is refused when the spec loads, with its exact message,
in bounded time and memory.

Every attack runs twice: through ``scoring.formula.expr.compile_formula`` (message, code and offset) and
inside a spec through ``load_spec_text`` (the whole located line a user sees). The known escapes
of simpleeval get a test each even though simpleeval is not our evaluator (expr.py compiles a
whitelisted AST; simpleeval is only a test-time reference): the payload shapes are what an
attacker would try first on any Python expression sandbox.
"""

from __future__ import annotations

import ast
import json
import operator
import os
import re
import sys
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import package_trees
from security.limits import assert_bounded

from scoring import FactsError, SpecError, load_spec_text, score
from scoring.errors import FormulaError
from scoring.formula.expr import FUNCTIONS, compile_formula

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("实际支出", "到位资金", "w", "分值")  # what a formula rule sees: facts, then w / 分值
CALLABLE = "formulas can call abs, ceil, clamp, floor, max, min, round"

# (id, formula, code, offset, message): the message compile_formula gives, word for word.
ATTACKS: list[tuple[str, str, str, int, str]] = [
    ('dunder-class-bases', '().__class__.__bases__', 'formula-forbidden', 13, "attribute access ('.__bases__') is not allowed in formulas"),
    ('dunder-subclasses-walk', '().__class__.__bases__[0].__subclasses__()', 'formula-forbidden', 26, "attribute access ('.__subclasses__') is not allowed in formulas"),
    ('dunder-on-a-fact', '实际支出.__class__', 'formula-forbidden', 5, "attribute access ('.__class__') is not allowed in formulas"),
    ('dunder-globals-of-function', 'max.__globals__', 'formula-forbidden', 4, "attribute access ('.__globals__') is not allowed in formulas"),
    ('builtins-name', '__builtins__', 'formula-unknown-name', 0, "unknown name '__builtins__' in formula"),
    ('dunder-import-call', "__import__('os').system('id')", 'formula-forbidden', 17, "attribute access ('.system') is not allowed in formulas"),
    ('import-statement', 'import os', 'formula-syntax', 0, "'import' starts a statement; a formula is one expression, such as 'a / b * 100'"),
    ('from-import-statement', 'from os import system', 'formula-syntax', 0, "'from' starts a statement; a formula is one expression, such as 'a / b * 100'"),
    ('exec-statement-call', "exec('import os')", 'formula-unknown-name', 0, "unknown function 'exec' in formula; formulas can call abs, ceil, clamp, floor, max, min, round"),
    ('eval-call', "eval('1')", 'formula-unknown-name', 0, "unknown function 'eval' in formula; formulas can call abs, ceil, clamp, floor, max, min, round"),
    ('open-call', "open('/etc/passwd')", 'formula-unknown-name', 0, "unknown function 'open' in formula; formulas can call abs, ceil, clamp, floor, max, min, round"),
    ('getattr-call', "getattr(实际支出, '__class__')", 'formula-unknown-name', 0, "unknown function 'getattr' in formula; formulas can call abs, ceil, clamp, floor, max, min, round"),
    ('type-call', 'type(实际支出)', 'formula-unknown-name', 0, "unknown function 'type' in formula; formulas can call abs, ceil, clamp, floor, max, min, round"),
    ('globals-call', 'globals()', 'formula-unknown-name', 0, "unknown function 'globals' in formula; formulas can call abs, ceil, clamp, floor, max, min, round"),
    ('print-call', 'print(实际支出)', 'formula-unknown-name', 0, "unknown function 'print' in formula; formulas can call abs, ceil, clamp, floor, max, min, round"),
    ('lambda', 'lambda: 1', 'formula-forbidden', 0, 'lambda is not allowed in formulas'),
    ('lambda-called', '(lambda: 1)()', 'formula-forbidden', 1, 'lambda is not allowed in formulas'),
    ('list-comprehension', '[x for x in (1, 2)]', 'formula-forbidden', 0, 'comprehensions are not allowed in formulas'),
    ('set-comprehension', '{x for x in (1, 2)}', 'formula-forbidden', 0, 'comprehensions are not allowed in formulas'),
    ('dict-comprehension', '{x: 1 for x in (1, 2)}', 'formula-forbidden', 0, 'comprehensions are not allowed in formulas'),
    ('generator-expression', '(x for x in (1, 2))', 'formula-forbidden', 0, 'comprehensions are not allowed in formulas'),
    ('generator-in-a-call', 'max(x for x in (1, 2))', 'formula-forbidden', 3, 'comprehensions are not allowed in formulas'),
    ('generator-frame', '(x for x in (1,)).gi_frame.f_globals', 'formula-forbidden', 27, "attribute access ('.f_globals') is not allowed in formulas"),
    ('coroutine-frame', '实际支出.cr_frame.f_back', 'formula-forbidden', 14, "attribute access ('.f_back') is not allowed in formulas"),
    ('await', 'await 实际支出', 'formula-forbidden', 0, "'await' is not allowed in formulas"),
    ('yield', '(yield 实际支出)', 'formula-forbidden', 1, "'yield' is not allowed in formulas"),
    ('string-ljust', "'a'.ljust(10**8)", 'formula-forbidden', 4, "attribute access ('.ljust') is not allowed in formulas"),
    ('string-percent-format', "'%0100000000d' % 1", 'formula-forbidden', 15, "'%' (modulo) is not allowed in formulas"),
    ('string-repeat', "'a' * 10**9", 'formula-forbidden', 0, 'strings are not allowed in formulas'),
    ('string-format-method', "'{0.__class__}'.format(实际支出)", 'formula-forbidden', 16, "attribute access ('.format') is not allowed in formulas"),
    ('bytes', "b'\\x00' * 10**9", 'formula-forbidden', 0, 'bytes are not allowed in formulas'),
    ('f-string', "f'{实际支出}'", 'formula-forbidden', 0, 'f-strings are not allowed in formulas'),
    ('f-string-format-spec', "f'{实际支出:>100000000}'", 'formula-forbidden', 0, 'f-strings are not allowed in formulas'),
    ('power-bomb', '4000000**4000000', 'formula-forbidden', 7, "'**' needs a whole-number exponent from 0 to 8, e.g. 'x ** 2'"),
    ('power-tower', '10**10**10', 'formula-forbidden', 2, "'**' needs a whole-number exponent from 0 to 8, e.g. 'x ** 2'"),
    ('power-of-a-fact', '实际支出 ** 实际支出', 'formula-forbidden', 5, "'**' needs a whole-number exponent from 0 to 8, e.g. 'x ** 2'"),
    ('chained-huge-literals', '99999999999999999999999*99999999999999999999999*99999999999999999999999', 'formula-number', 0, "number '99999999999999999999999' is out of range: at most 20 significant digits, from 1e-15 to 1e15 in size"),
    ('huge-hex-literal', "0x" + "f" * 200, 'formula-number', 0, "number '0xffffffffffffffffffffffffffffffffffffff…' is out of range: at most 20 significant digits, from 1e-15 to 1e15 in size"),
    ('huge-exponent-literal', '1e999999999', 'formula-number', 0, "number '1e999999999' is out of range: at most 20 significant digits, from 1e-15 to 1e15 in size"),
    ('overflowing-power-chain', '(((((((999999999999999**8)**8)**8)**8)**8)**8)**8)', 'formula-arithmetic', 1, "'((((((999999999999999**8)**8)**8)**8)**8…' cannot be computed: the number grows too large"),
    ('left-shift-bomb', '1 << 100000000', 'formula-forbidden', 2, "'<<' is not allowed in formulas"),
    ('constant-division-by-zero', '实际支出 / (1 - 1)', 'division-by-zero', 8, "division by zero: the divisor '1 - 1' is always 0"),
    ('nested-parentheses-10000', "(" * 10_000 + "实际支出" + ")" * 10_000, 'formula-too-long', 0, 'formula is too long (20004 characters; at most 1000)'),
    ('nested-parentheses-400', "(" * 400 + "1" + ")" * 400, 'formula-syntax', 200, 'syntax error: too many nested parentheses'),
    ('deep-unary-chain', "-" * 999 + "1", 'formula-too-complex', 0, 'formula is too complex (more than 300 parts)'),
    ('deep-not-chain', "not " * 240 + "True", 'formula-too-complex', 400, 'formula is nested too deeply (more than 100 levels)'),
    ('formula-2-mb', "实际支出+" * 400_000 + "1", 'formula-too-long', 0, 'formula is too long (2000001 characters; at most 1000)'),
    ('too-many-parts', "+".join(["max(实际支出, 1)"] * 70), 'formula-too-complex', 0, 'formula is too complex (more than 300 parts)'),
    ('assignment-typo', 'weight = 5', 'formula-syntax', 7, "assignment ('=') is not allowed in formulas; use '==' to compare"),
    ('walrus', '(w := 5)', 'formula-forbidden', 1, "assignment (':=') is not allowed in formulas; use '==' to compare"),
    ('starred-argument', 'max(*实际支出)', 'formula-forbidden', 4, 'starred arguments are not allowed in formulas'),
    ('double-starred-argument', 'max(**实际支出)', 'formula-forbidden', 6, 'keyword arguments are not allowed in formulas'),
    ('keyword-argument', 'max(实际支出, key=abs)', 'formula-forbidden', 14, 'keyword arguments are not allowed in formulas'),
    ('call-a-value', '实际支出(1)', 'formula-forbidden', 0, "'实际支出' is a value, not a function; formulas can call abs, ceil, clamp, floor, max, min, round"),
    ('call-a-call', 'max(实际支出)(1)', 'formula-forbidden', 0, 'only functions can be called; formulas can call abs, ceil, clamp, floor, max, min, round'),
    ('subscript', '实际支出[0]', 'formula-forbidden', 0, 'subscripts ([...]) are not allowed in formulas'),
    ('semicolon-statements', '实际支出; 1', 'formula-syntax', 4, "';' is not allowed in formulas: a formula is one expression"),
    ('nul-character', '实际支出\x00', 'formula-syntax', 4, 'formulas cannot contain NUL characters'),
    ('right-to-left-override', '\u202e实际支出', 'formula-syntax', 0, 'invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed in formulas; delete it'),
    ('zero-width-space', '实际支出\u200b+1', 'formula-syntax', 4, 'invisible character U+200B (ZERO WIDTH SPACE) is not allowed in formulas; delete it'),
    ('comment-only', "# __import__('os').system('id')", 'formula-empty', 0, 'formula is empty: it holds only a comment'),
]  # fmt: skip

SPEC = """id: attack
name: 公式攻击
version: "1"
facts:
  实际支出: {{kind: money, unit: 万元}}
  到位资金: {{kind: money, unit: 万元}}
indicators:
  - id: 攻击
    weight: 100
    rule:
      kind: formula
      formula: {formula}
"""
FORMULA_LINE, VALUE_COLUMN = 12, 16  # where the formula's YAML value starts in SPEC


def embed(formula: str) -> tuple[str, bool]:
    """The formula as a YAML scalar, and whether it stands verbatim on its line (so the loader
    can point into it): single-quoted when it holds no quote or control character, else a JSON
    string (escaped only where it must be; when escaped, the loader points at the value)."""
    if "'" not in formula and "\x00" not in formula:
        return f"'{formula}'", True
    quoted = json.dumps(formula, ensure_ascii=False)
    return quoted, quoted[1:-1] == formula


def load_message(formula: str, code: str, offset: int, message: str) -> str:
    """The line the loader prints for this attack: the formula's file position (its value's
    column plus the offset when written verbatim), the indicator path, the message and, for a
    formula of up to 200 characters, its first 80 quoted."""
    _, verbatim = embed(formula)
    column = VALUE_COLUMN + 1 + offset if verbatim else VALUE_COLUMN
    quoted = f" (in formula {formula[:80]!r})" if len(formula) <= 200 else ""
    return (
        f"attack.yaml:{FORMULA_LINE}:{column}: indicators[攻击].rule.formula: "
        f"{message}{quoted} [{code}]"
    )


def compile_attack(formula: str) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        compile_formula(formula, NAMES)
    return caught.value


@pytest.mark.parametrize(
    ("formula", "code", "offset", "message"),
    [attack[1:] for attack in ATTACKS],
    ids=[attack[0] for attack in ATTACKS],
)
def test_attack_is_refused_by_the_compiler(
    formula: str, code: str, offset: int, message: str
) -> None:
    """compile_formula refuses the attack with this exact message, code and offset, in under a
    second and 200 MB."""
    error = compile_attack(formula)
    assert (error.message, error.codes, error.offset) == (message, [code], offset)
    assert_bounded(lambda: compile_formula(formula, NAMES), f"compile {formula[:40]!r}")


@pytest.mark.parametrize(
    ("formula", "code", "offset", "message"),
    [attack[1:] for attack in ATTACKS],
    ids=[attack[0] for attack in ATTACKS],
)
def test_attack_is_refused_when_the_spec_loads(
    formula: str, code: str, offset: int, message: str
) -> None:
    """Inside a spec the attack is the one problem reported, located at the formula, with the
    indicator path and the compiler's message, in under a second and 200 MB."""
    text = SPEC.format(formula=embed(formula)[0])
    with pytest.raises(SpecError) as caught:
        load_spec_text(text, "attack.yaml")
    assert str(caught.value) == load_message(formula, code, offset, message)
    assert_bounded(lambda: load_spec_text(text, "attack.yaml"), f"load {formula[:40]!r}")


def test_there_are_enough_distinct_attacks() -> None:
    """The issue asks for at least 60 hostile inputs in all; the formula attacks alone are 60+
    distinct strings."""
    assert len({formula for _, formula, *_ in ATTACKS}) == len(ATTACKS) >= 60


# ---- growth that passes the whitelist is still bounded ------------------------------------------


def test_a_power_chain_within_the_limits_evaluates_in_bounded_time() -> None:
    """A power chain the whitelist allows either gives a (clamped) score or a located overflow
    error when scored: Decimal's exponent limit bounds every intermediate, so neither hangs."""
    chain = "'((((((实际支出 ** 8) ** 8) ** 8) ** 8) ** 8) ** 8)'"  # 1e11 ** 8 ** 6 overflows
    spec = load_spec_text(SPEC.format(formula=chain), "a.yaml")
    cases = {"99999999999万元": "formula-arithmetic", "2万元": None}
    for value, code in cases.items():
        facts = {"project": {"name": "p"}, "values": {"实际支出": value, "到位资金": "1万元"}}
        if code is None:
            assert score(spec, facts).total == Decimal(100)
        else:
            with pytest.raises(FactsError) as caught:
                score(spec, facts)
            assert caught.value.codes == [code]
        assert_bounded(lambda facts=facts: score(spec, facts), f"power chain {value}")


# ---- the known simpleeval escapes, each tried on our sandbox -------------------------------------


def refused(formula: str, names: tuple[str, ...] = NAMES) -> str:
    with pytest.raises(FormulaError) as caught:
        compile_formula(formula, names)
    return f"{caught.value.message} [{caught.value.codes[0]}]"


def test_cve_2026_32640_modules_and_objects_leak_nothing() -> None:
    """CVE-2026-32640 (simpleeval < 1.0.5): an object or module passed in as a name leaked
    dangerous modules through its attributes (os.path.os, statistics.sys), and dangerous
    functions could be handed as callbacks to safe ones. Here attribute access is refused
    outright, functions are not values and take no keyword arguments, and a module or object
    given as a value is refused before any arithmetic touches it."""
    names = (*NAMES, "path", "statistics")
    assert refused("path.os.system('id')", names) == (
        "attribute access ('.system') is not allowed in formulas [formula-forbidden]"
    )
    assert refused("statistics.sys.modules", names) == (
        "attribute access ('.modules') is not allowed in formulas [formula-forbidden]"
    )
    assert refused("max(实际支出, key=eval)") == (
        "keyword arguments are not allowed in formulas [formula-forbidden]"
    )
    assert refused("max(abs, 1)") == "'abs' is a function; call it like abs(x) [formula-forbidden]"
    assert refused("min(eval, exec)") == (
        "unknown names in formula: 'eval', 'exec' [formula-unknown-name]"
    )
    # A library user handing a module in as a value gets a refusal, never an attribute lookup.
    formula = compile_formula("实际支出 * 1 + 到位资金", NAMES)
    with pytest.raises(FormulaError) as caught:
        formula({"实际支出": os, "到位资金": Decimal(1)})  # type: ignore[dict-item]
    assert caught.value.codes == ["formula-not-a-number"]
    spec = load_spec_text(SPEC.format(formula="'实际支出 + 到位资金'"), "a.yaml")
    with pytest.raises(FactsError) as facts_error:
        score(spec, {"project": {"name": "p"}, "values": {"实际支出": os, "到位资金": sys}})
    assert facts_error.value.codes == ["fact-type", "fact-type"]


def test_simpleeval_issue_138_generator_frames_are_unreachable() -> None:
    """simpleeval issue #138: a generator (or coroutine) reached through a name exposes
    ``gi_frame.f_globals['__builtins__']`` and with it exec. Here no generator can be made
    (comprehensions and lambdas are refused), no attribute can be read, and a generator given
    as a value is refused as not a number."""
    assert refused("(x for x in (1,)).gi_frame.f_globals['__builtins__']") == (
        "subscripts ([...]) are not allowed in formulas [formula-forbidden]"
    )
    assert refused("实际支出.bar().gi_frame.f_globals") == (
        "attribute access ('.f_globals') is not allowed in formulas [formula-forbidden]"
    )
    assert refused("实际支出.bar().cr_frame.f_back") == (
        "attribute access ('.f_back') is not allowed in formulas [formula-forbidden]"
    )
    assert refused("max(x for x in (1,))") == (
        "comprehensions are not allowed in formulas [formula-forbidden]"
    )

    def generator() -> Any:
        yield "Hello, world!"

    formula = compile_formula("max(实际支出, 1)", NAMES)
    with pytest.raises(FormulaError) as caught:
        formula({"实际支出": generator()})  # type: ignore[dict-item]
    assert caught.value.codes == ["formula-not-a-number"]


def test_simpleeval_1_0_8_operator_attrgetter_family_is_unreachable() -> None:
    """simpleeval 1.0.8 denied operator.attrgetter, itemgetter, methodcaller (and operator.call):
    each turns a string into attribute access or a call. Here no such function exists, a fact
    named like one is a value that cannot be called, and such an object given as a value is
    never called."""
    assert refused("attrgetter('__class__')(实际支出)") == (
        f"unknown function 'attrgetter' in formula; {CALLABLE} [formula-unknown-name]"
    )
    assert refused("methodcaller('system', 'id')(实际支出)") == (
        f"unknown function 'methodcaller' in formula; {CALLABLE} [formula-unknown-name]"
    )
    assert refused("operator.itemgetter(0)(实际支出)") == (
        "attribute access ('.itemgetter') is not allowed in formulas [formula-forbidden]"
    )
    named = (*NAMES, "attrgetter", "call")
    assert refused("attrgetter(实际支出)", named) == (
        f"'attrgetter' is a value, not a function; {CALLABLE} [formula-forbidden]"
    )
    assert refused("call(实际支出)", named) == (
        f"'call' is a value, not a function; {CALLABLE} [formula-forbidden]"
    )
    formula = compile_formula("max(attrgetter, 1)", named)
    with pytest.raises(FormulaError) as caught:
        formula({"attrgetter": operator.attrgetter("__class__")})  # type: ignore[dict-item]
    assert caught.value.codes == ["formula-not-a-number"]


def test_the_only_callables_are_our_own_pure_functions() -> None:
    """Formulas can call exactly seven functions, all defined in scoring.formula.expr, none taking a
    callback: the whitelist cannot be widened by a spec."""
    assert sorted(FUNCTIONS) == ["abs", "ceil", "clamp", "floor", "max", "min", "round"]
    for function in FUNCTIONS.values():
        assert isinstance(function, types.FunctionType)
        assert function.__module__ == "scoring.formula.expr"


def test_nothing_in_the_package_evaluates_text() -> None:
    """No module calls eval or exec, and only formula/expr.py (on a checked tree) and the plan (on
    a tree it assembled from checked trees) call compile; no module imports simpleeval, so its
    escapes cannot apply at run time."""
    for path, tree in package_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "__import__"), (path, node.lineno)
                if node.func.id == "compile":
                    where = path.relative_to(ROOT / "scoring").as_posix()
                    assert where in ("formula/expr.py", "engine/plan/codegen.py"), (
                        path,
                        node.lineno,
                    )
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [alias.name for alias in node.names]
                modules.append(getattr(node, "module", None) or "")
                assert not any(m.startswith("simpleeval") for m in modules), path


def test_simpleeval_is_pinned_past_its_known_escapes() -> None:
    """simpleeval is a test dependency only (a reference for expr.py); it is pinned at 1.0.8 or
    later, the release that closed the operator-module escapes."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pins = re.findall(r'"simpleeval\s*([<>=!~]=?)\s*([0-9.]+)', pyproject)
    assert pins, "simpleeval is not pinned"
    for op, version in pins:
        assert op == ">="
        assert tuple(map(int, version.split("."))) >= (1, 0, 8)
