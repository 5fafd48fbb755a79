"""公众评判法: questionnaire answers → a satisfaction rate, its sample and a 95% interval.

A survey sheet has one header row (the questions) and one row per respondent. Each answer is an
option of a *scale* with a weight out of 100 (非常满意 100 / 满意 80 / 基本满意 60 / 不满意 0 by
default). The rate is computed per respondent, so a person who skipped a question weighs as much
as one who answered every question:

    respondent's score = mean of the weights of their valid answers ÷ 100
    满意度 = mean of the respondents' scores                        (n = respondents with ≥ 1 valid answer)

The interval is Wilson's score interval at 95% on (满意度, n). For a scale whose weights are only 0
and 100 it is the usual interval of a proportion; for graded weights it is conservative, because a
score in [0, 1] with mean p has a variance of at most p(1 − p). It always holds the rate.

Nothing is dropped silently: an answer that is not an option of the scale is an ``InvalidAnswer``
naming its cell, a respondent with no valid answer is listed as an invalid row, and blank rows are
counted. All arithmetic is ``Decimal`` in the package's own context.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ..errors import Problem, ScoringError, did_you_mean
from ..i18n import tr, ui
from ..numbers.limits import CTX
from ..numbers.text import format_percent
from ..spec.scale import DEFAULT_SCALE, HUNDRED, Scale, answer_text, build_scale
from ..tabular.sheet import Sheet
from ..yamlio.load import load_yaml_file

__all__ = [
    "METADATA_HEADERS",
    "InvalidAnswer",
    "Question",
    "SurveyError",
    "SurveyResult",
    "analyse",
    "load_scale",
    "wilson_interval",
]

Z_95 = Decimal("1.959963984540054")  # the normal quantile of 0.975
ONE_BP = Decimal("0.0001")  # 0.01%: the places a rate and its interval are shown to

# Columns that questionnaire exports (问卷星, 腾讯问卷, hand-made sheets) carry beside the answers:
# they describe the respondent or the submission, and are never questions.
METADATA_HEADERS = frozenset(
    [
        "序号",
        "编号",
        "问卷编号",
        "答卷编号",
        "答卷序号",
        "提交答卷时间",
        "提交时间",
        "填写时间",
        "所用时间",
        "来源",
        "来源详情",
        "来自IP",
        "IP",
        "ip",
        "姓名",
        "联系电话",
        "电话",
        "备注",
        "ID",
        "id",
    ]
)


class SurveyError(ScoringError):
    """A scale or answers file that cannot be used at all (not one that has invalid answers:
    those are part of the result)."""


@dataclass(frozen=True)
class InvalidAnswer:
    row: int
    cell: str  # Sheet!C17
    question: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.cell}: 第 {self.row} 行“{self.question}”：{self.reason}"


@dataclass(frozen=True)
class Question:
    label: str
    cell: str  # where its header is
    counts: Mapping[str, int]  # option → answers, in the scale's order
    answered: int  # valid answers
    rate: Decimal | None  # None when nobody answered it validly


@dataclass(frozen=True)
class SurveyResult:
    source: str
    scale: Scale
    rate: Decimal  # exact ratio in [0, 1]
    low: Decimal  # Wilson 95% bounds, exact
    high: Decimal
    respondents: int  # rows with at least one valid answer (n)
    rows: int  # rows with anything in them
    blank_rows: int
    questions: tuple[Question, ...]
    invalid: tuple[InvalidAnswer, ...]  # answers that are not options
    invalid_rows: tuple[int, ...]  # rows with no valid answer at all
    unanswered: int  # blank answers in counted rows
    target: Decimal | None = None
    target_text: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def shown_rate(self) -> str:
        return format_percent(self.rate)

    @property
    def straddles_target(self) -> bool:
        """The interval holds the target: the sample cannot tell whether it is met (then the
        last warning says so, in the language of the day, so nothing matches its words)."""
        return self.target is not None and self.low < self.target <= self.high

    @property
    def shown_interval(self) -> tuple[str, str]:
        """Bounds at 0.01%, rounded outward, so the shown interval still holds the shown rate."""
        low = self.low.quantize(ONE_BP, ROUND_FLOOR, CTX)
        high = self.high.quantize(ONE_BP, ROUND_CEILING, CTX)
        return format_percent(low), format_percent(high)


def wilson_interval(rate: Decimal, n: int, z: Decimal = Z_95) -> tuple[Decimal, Decimal]:
    """Wilson's score interval for a mean ``rate`` in [0, 1] over ``n`` ≥ 1 observations."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if not Decimal(0) <= rate <= 1:
        raise ValueError(f"rate must lie in [0, 1], not {rate}")
    c = CTX
    count = Decimal(n)
    z2 = c.multiply(z, z)
    denominator = c.add(1, c.divide(z2, count))
    centre = c.divide(c.add(rate, c.divide(z2, c.multiply(2, count))), denominator)
    spread = c.add(
        c.divide(c.multiply(rate, c.subtract(1, rate)), count),
        c.divide(z2, c.multiply(4, c.multiply(count, count))),
    )
    half = c.divide(c.multiply(z, c.sqrt(spread)), denominator)
    low = max(Decimal(0), c.subtract(centre, half))
    high = min(Decimal(1), c.add(centre, half))
    # Exact arithmetic keeps rate inside; clamp the last digit of a 100-digit rounding anyway.
    return min(low, rate), max(high, rate)


def load_scale(path: str | os.PathLike[str]) -> Scale:
    """A scale file (``scale.build_scale`` says what it holds); its problems located in it."""
    file = os.fspath(path)
    document = load_yaml_file(file, error_cls=SurveyError, max_bytes=1_000_000)
    problems: list[Problem] = []

    def report(where: Sequence[str], message: str) -> None:
        mark = document.position(where)
        problems.append(
            Problem(
                message,
                "survey-scale",
                file=file,
                line=mark.line if mark else None,
                column=mark.column if mark else None,
                path=".".join(where) or None,
            )
        )

    scale = build_scale(document.data, os.path.basename(file), report)
    if scale is None:
        raise SurveyError(problems)
    return scale


def analyse(
    sheet: Sheet,
    scale: Scale = DEFAULT_SCALE,
    *,
    questions: Iterable[str] | None = None,
    skip: Iterable[str] = (),
    target: tuple[str, Decimal] | None = None,
) -> SurveyResult:
    """Read a sheet of answers (first non-blank row = questions) and compute the rate.

    ``questions`` names the question columns by header (default: every column but the
    metadata ones, ``METADATA_HEADERS`` and ``skip``); ``target`` is (its text, a ratio), to warn
    when the interval straddles it."""
    header_row = next(
        (r for r in range(1, sheet.max_row + 1) if any(sheet.raw(r, c) for c in _cols(sheet))),
        None,
    )
    if header_row is None:
        message = tr("survey-empty", "the questionnaire is empty: it has no row of questions")
        raise _refused(sheet, message, "survey-empty")
    headers = {c: sheet.text(header_row, c) for c in _cols(sheet) if sheet.text(header_row, c)}
    question_cols = _question_columns(sheet, headers, questions, frozenset(skip))

    counts = {c: dict.fromkeys(scale.options, 0) for c in question_cols}
    sums = {c: Decimal(0) for c in question_cols}
    invalid: list[InvalidAnswer] = []
    invalid_rows: list[int] = []
    scores: list[Decimal] = []
    rows = blank_rows = unanswered = 0
    for r in range(header_row + 1, sheet.max_row + 1):
        if not any(sheet.raw(r, c) is not None for c in _cols(sheet)):
            blank_rows += 1
            continue
        rows += 1
        weights: list[Decimal] = []
        for c in question_cols:
            raw = sheet.value(r, c)
            if raw is None:
                unanswered += 1
                continue
            answer = answer_text(raw)
            option = scale.option_of(answer)
            if option is None:
                invalid.append(
                    InvalidAnswer(
                        r,
                        sheet.ref(r, c),
                        headers[c],
                        sheet.text(r, c),
                        _why_invalid(answer, sheet.text(r, c), scale),
                    )
                )
                continue
            weight = scale.options[option]
            counts[c][option] += 1
            sums[c] += weight
            weights.append(weight)
        if weights:
            scores.append(CTX.divide(_mean(weights), HUNDRED))
        else:
            invalid_rows.append(r)
    if not scores:
        message = tr(
            "survey-empty",
            "no valid questionnaire: none of the {rows} answer rows holds an option of the scale "
            "({options}); check the scale (--scale) or name the question columns with --question",
            rows=rows,
            options=scale.listing(),
        )
        raise _refused(sheet, message, "survey-empty")
    rate = _mean(scores)
    low, high = wilson_interval(rate, len(scores))
    question_results = tuple(
        Question(
            headers[c],
            sheet.ref(header_row, c),
            counts[c],
            sum(counts[c].values()),
            CTX.divide(CTX.divide(sums[c], sum(counts[c].values())), HUNDRED)
            if sum(counts[c].values())
            else None,
        )
        for c in question_cols
    )
    result = SurveyResult(
        sheet.file,
        scale,
        rate,
        low,
        high,
        len(scores),
        rows,
        blank_rows,
        question_results,
        tuple(invalid),
        tuple(invalid_rows),
        unanswered,
        target[1] if target else None,
        target[0] if target else None,
    )
    return _with_warnings(result)


def _mean(values: Sequence[Decimal]) -> Decimal:
    """In the package's context: ``sum()`` would round every partial sum to the caller's (28
    digits by default), which the exact tests see."""
    total = Decimal(0)
    for value in values:
        total = CTX.add(total, value)
    return CTX.divide(total, len(values))


def _cols(sheet: Sheet) -> range:
    return range(1, sheet.max_col + 1)


def _question_columns(
    sheet: Sheet, headers: Mapping[int, str], chosen: Iterable[str] | None, skip: frozenset[str]
) -> list[int]:
    by_label = {label: c for c, label in headers.items()}
    if chosen is not None:
        labels = list(chosen)
        problems = [
            Problem(
                tr(
                    "survey-columns",
                    "no question {label!r}; the headers are {headers}{hint}",
                    label=label,
                    headers="、".join(headers.values()),
                    hint=did_you_mean(label, by_label),
                ),
                "survey-columns",
                file=sheet.file,
            )
            for label in labels
            if label not in by_label
        ]
        if problems:
            raise SurveyError(problems)
        return [by_label[label] for label in labels]
    unknown_skips = sorted(skip - set(by_label))
    if unknown_skips:
        message = tr(
            "survey-columns",
            "--skip names columns that are not in the header row: {columns} (the headers are "
            "{headers})",
            columns="、".join(unknown_skips),
            headers="、".join(headers.values()),
        )
        raise _refused(sheet, message, "survey-columns")
    cols = [c for c, label in headers.items() if label not in METADATA_HEADERS | skip]
    if not cols:
        message = tr(
            "survey-columns",
            "the header row has no question column, only columns of information (序号, 时间 "
            "and the like)",
        )
        raise _refused(sheet, message, "survey-columns")
    return cols


def _refused(sheet: Sheet, message: str, code: str) -> SurveyError:
    return SurveyError(Problem(message, code, file=sheet.file))


def _short(text: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 20 else text[:20] + "…"


def _why_invalid(answer: str, shown: str, scale: Scale) -> str:
    """Why an answer is not counted: several options ticked, or not an option at all (with the
    nearest option when one is close, as a typo usually is)."""
    parts = re.split(r"[/／、,，;；|｜]+", answer)
    ticked = [part for part in parts if scale.option_of(part) is not None]
    if len(ticked) > 1:
        return ui(
            "{answer!r} ticks several options ({ticked}); only one may be chosen",
            answer=_short(shown),
            ticked="、".join(ticked),
        )
    return ui(
        "{answer!r} is not an option of the scale ({options}){hint}",
        answer=_short(shown),
        options=scale.listing(),
        hint=did_you_mean(answer, [*scale.options, *scale.aliases]),
    )


def _with_warnings(result: SurveyResult) -> SurveyResult:
    warnings: list[str] = []
    if result.invalid or result.invalid_rows:
        warnings.append(
            ui(
                "{invalid} invalid answers and {rows} answer rows without a valid answer are not "
                "counted in the 满意度 (each is listed)",
                invalid=len(result.invalid),
                rows=len(result.invalid_rows),
            )
        )
    if result.target is not None:
        low, high = result.shown_interval
        if result.low < result.target <= result.high:
            needed = _sample_needed(result.rate, result.target)
            more = (
                ui(
                    "; at the present 满意度, about {needed} valid questionnaires would tell",
                    needed=needed,
                )
                if needed
                else ""
            )
            warnings.append(
                ui(
                    "the interval of the 满意度 {rate} at 95%, [{low}, {high}], straddles the "
                    "target {target}: {respondents} valid questionnaires cannot tell whether it is "
                    "met{more}",
                    rate=result.shown_rate,
                    low=low,
                    high=high,
                    target=result.target_text,
                    respondents=result.respondents,
                    more=more,
                )
            )
    return SurveyResult(**{**result.__dict__, "warnings": tuple(warnings)})


def _sample_needed(rate: Decimal, target: Decimal) -> int | None:
    """Respondents for the interval to clear ``target`` if the rate stayed where it is (normal
    approximation, z²·p(1−p)/(p−t)²), or None when the rate sits on the target."""
    gap = rate - target
    if gap == 0:
        return None
    needed = CTX.divide(Z_95 * Z_95 * rate * (1 - rate), gap * gap)
    return max(1, int(needed.to_integral_value(ROUND_CEILING)))
