"""One project's facts file: metadata, values as reports write them, ratings and evaluator input.

This module reads the file's shape; ``binding`` reads the values against a spec (units, kinds,
missing facts). A facts file may also be given as a plain mapping by library users.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
)

from ..errors import FactsError, Problem, described, id_path, wrong_argument
from ..i18n import tr, ui
from ..numbers.cell_text import normalize
from ..numbers.limits import in_exact_context
from ..numbers.quantities import parse_number
from ..rules import Rating
from ..rules.base import Share
from ..spec.model import Number, Text
from ..yamlio.load import Document, load_yaml, read_text
from ..yamlio.textfile import is_shipped_name

__all__ = [
    "Adjustment",
    "Facts",
    "facts_from_mapping",
    "facts_from_record",
    "facts_from_values",
    "load_facts",
    "load_facts_text",
    "load_facts_years",
    "share_of",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoalModel(_Model):
    expected: str | None = Field(None, description="年度总体目标: 预期目标")
    actual: str | None = Field(None, description="年度总体目标: 实际完成情况")


# 评价年度 begins with the year, as forms write it: 2021, 2021年度, 2021-04-22 (full-width digits
# too, as typed); -1 or a run of twenty digits is no year.
_YEAR = re.compile(r"(?:19|20)[0-9]{2}(?![0-9]).*", re.DOTALL)


def is_year(text: str) -> bool:
    return _YEAR.fullmatch(normalize(text)) is not None


def _year(value: str | None) -> str | None:
    if value is not None and not is_year(value):
        shown = value if len(value) <= 20 else value[:20] + "…"
        raise ValueError(
            tr(
                "bad-value",
                "{text!r} is not a year: begin with the year evaluated, such as 2021",
                text=shown,
            )
        )
    return value


def _year_text(value: Any) -> Any:
    # `year: 2021` is how YAML, JSON Lines and library mappings write a year: a number (int from
    # JSON and Python, Decimal from the YAML reader) is read as its digits. bool is an int too,
    # but `year: true` is no year: it stays what it is, for the type check to refuse.
    # An int of over 4,300 digits has no str(): it stays an int, which the type check refuses.
    if isinstance(value, int) and not isinstance(value, bool) and -(10**8) < value < 10**8:
        return str(value)
    return str(value) if isinstance(value, Decimal) else value


# The schema says so too, so that an editor checking a facts file accepts `year: 2021`.
Year = Annotated[
    str,
    BeforeValidator(_year_text),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string"}]}),
]


class ProjectModel(_Model):
    name: Text | None = Field(None, description="项目名称")
    code: Text | None = Field(None, description="项目编码")
    unit: str | None = Field(None, description="实施单位")
    department: str | None = Field(None, description="主管部门")
    year: Year | None = Field(None, description="评价年度: 2021, or text that begins with it")
    evaluator: str | None = Field(None, description="评价人 / 填报人")
    date: Text | None = Field(None, description="填报日期")
    goal: GoalModel | None = None

    _year_check = field_validator("year")(_year)


class RatingModel(_Model):
    # Optional so an untouched `jixiao init` template reports every missing rating at once.
    tier: Text | None = Field(None, description="定性评价等级, e.g. 达成 / 部分达成 / 未达成")
    score: Number | None = Field(None, description="points given, inside the tier's range")
    share: Share | None = Field(None, description="or: share of the weight, e.g. 0.9 or '90%'")
    narrative: str | None = Field(None, description="why this tier: a short written justification")


class AdjustmentModel(_Model):
    indicator: Text = Field(description="id of the leaf indicator adjusted")
    points: Number = Field(description="points added (positive) or deducted (negative)")
    reason: str = Field(description="required: why the evaluator departs from the rule")

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(
                tr("bad-value", "give the reason for this adjustment (it is shown in every output)")
            )
        return value


class StatedModel(_Model):
    """What a filed table states, for ``jixiao review SPEC FACTS`` to check against the rules."""

    total: Number | None = Field(None, description="自评得分 as filed")
    grade: Text | None = Field(None, description="自评等级 as filed")
    scores: dict[str, Number] = Field(
        default_factory=dict, description="indicator id → 得分 as filed"
    )


class FactsModel(_Model):
    project: ProjectModel
    values: dict[str, Any] = Field(default_factory=dict)
    ratings: dict[str, RatingModel] = Field(default_factory=dict)
    not_applicable: dict[str, str] = Field(
        default_factory=dict, description="indicator id → reason"
    )
    adjustments: list[AdjustmentModel] = Field(default_factory=list)
    deviations: dict[str, str] = Field(default_factory=dict, description="indicator id → 偏差原因")
    stated: StatedModel | None = Field(None, description="the filed scores, for review")


@dataclass(frozen=True)
class Adjustment:
    """An evaluator's departure from the rule's score, with its reason; shown in every output."""

    indicator: str
    points: Decimal
    reason: str


@dataclass(frozen=True, eq=False)
class Facts:
    """A project's facts as written, with the document they came from for error locations."""

    project: Mapping[str, Any]
    values: Mapping[str, Any]
    ratings: Mapping[str, Rating]
    not_applicable: Mapping[str, str]
    adjustments: tuple[Adjustment, ...]
    deviations: Mapping[str, str]
    document: Document = field(repr=False)
    stated: StatedModel | None = None  # the filed total, grade and scores, when given

    @property
    def file(self) -> str:
        return self.document.file

    def problem(
        self, loc: tuple[str | int, ...], message: str, code: str, *, key: bool = False
    ) -> Problem:
        """A problem located at ``loc`` in this facts file (as precisely as the file allows)."""
        mark = self.document.position(loc, key=key)
        return Problem(
            message,
            code,
            file=self.document.file,
            line=mark.line if mark else None,
            column=mark.column if mark else None,
            path=id_path(self.document.data, loc) or None,
        )


@in_exact_context
def load_facts(path: str | os.PathLike[str]) -> Facts:
    """Read a facts file (YAML or JSON); raise FactsError listing every problem with its shape.
    ``path`` may be ``jixiao:NAME``, an example shipped with jixiao."""
    if not isinstance(path, (str, os.PathLike)):
        raise wrong_argument("load_facts", ui("the path of a facts file"), path)
    if is_shipped_name(path):  # jixiao:hengnan_xinfang_2021: an example shipped with jixiao
        from ..yamlio.shipped import UnknownName, resolve

        try:
            path = resolve(os.fspath(path), "facts")
        except UnknownName as exc:
            raise FactsError(Problem(str(exc), "file-unreadable", file=os.fspath(path))) from None
    text = read_text(path, error_cls=FactsError)
    return load_facts_text(text, os.fspath(path))


@in_exact_context
def load_facts_years(path: str | os.PathLike[str]) -> list[Facts]:
    """The years of one project in one file — ``years:`` a list of facts documents (each with
    its own ``project:`` and ``year``) — or a plain facts file as one year. Every problem is
    located in that file, at its line within the year it belongs to."""
    if is_shipped_name(path):
        return [load_facts(path)]
    file = os.fspath(path)
    document = load_yaml(read_text(path, error_cls=FactsError), file, error_cls=FactsError)
    data = document.data
    if not (isinstance(data, dict) and "years" in data and "values" not in data):
        return [_from_document(document)]
    years = data["years"]
    if not isinstance(years, list) or not years or set(data) - {"years"}:
        mark = document.position(("years",), key=True)
        raise FactsError(
            Problem(
                tr(
                    "facts-shape",
                    "a file of several years holds only years: a list of facts documents (each "
                    "with project: and values:)",
                ),
                "facts-shape",
                file=file,
                line=mark.line if mark else 1,
                column=mark.column if mark else 1,
            )
        )
    out = []
    for index, item in enumerate(years):
        prefix = ("years", index)

        def rooted(marks: Mapping[Any, Any], prefix: tuple[str, int] = prefix) -> dict[Any, Any]:
            return {p[2:]: m for p, m in marks.items() if p[:2] == prefix}

        year = Document(
            data=item,
            file=file,
            value_marks=rooted(document.value_marks),
            key_marks=rooted(document.key_marks),
        )
        out.append(_from_document(year))
    return out


@in_exact_context
def load_facts_text(text: str, file: str = "<facts>") -> Facts:
    if not isinstance(text, str):
        raise wrong_argument("load_facts_text", ui("the facts as text (YAML or JSON)"), text)
    return _from_document(load_yaml(text, file, error_cls=FactsError))


@in_exact_context
def facts_from_mapping(data: Mapping[str, Any], file: str = "<facts>") -> Facts:
    """Facts given as a Python mapping (same shape as the file); numbers may be Decimal, int or str."""
    # Anything but a mapping is kept as given, for _from_document to say what it is (facts-shape).
    data = dict(data) if isinstance(data, Mapping) else data
    return _from_document(Document(data=data, file=file, value_marks={}, key_marks={}))


def facts_from_values(
    values: Mapping[str, Any],
    *,
    project: Mapping[str, Any] | None = None,
    ratings: Mapping[str, Rating] | None = None,
    not_applicable: Mapping[str, str] | None = None,
    deviations: Mapping[str, str] | None = None,
    file: str = "<record>",
) -> Facts:
    """Facts from already-separated parts, e.g. one row of a spreadsheet: the fast path for batch.

    Skips the file-shape validation ``facts_from_mapping`` does (the parts have their types
    already); the values are still read and checked against the spec when scored.
    """
    empty: Mapping[str, Any] = {}
    for name, part in (("values", values), ("project", project), ("ratings", ratings)):
        if part is not None and not isinstance(part, Mapping):
            raise wrong_argument("facts_from_values", ui("{name} as a mapping", name=name), part)
    data = {"project": dict(project or empty), "values": dict(values)}
    return Facts(
        project=data["project"],
        values=data["values"],
        ratings=dict(ratings or empty),
        not_applicable=dict(not_applicable or empty),
        adjustments=(),
        deviations=dict(deviations or empty),
        document=Document(data=data, file=file, value_marks={}, key_marks={}),
    )


_SIMPLE_PROJECT = frozenset(ProjectModel.model_fields) - {"goal"}
_RECORD_KEYS = frozenset({"project", "values", "ratings", "not_applicable", "deviations"})
_RATING_KEYS = frozenset({"tier", "score", "share", "narrative"})


def facts_from_record(data: Mapping[str, Any], file: str = "<record>") -> Facts:
    """Facts from a plain mapping, as a spreadsheet row or a JSON line makes: the same ``Facts`` as
    ``facts_from_mapping``, faster. A mapping of only simple parts (text project fields, values,
    flat ratings, reasons) is built directly; anything else goes through the full validation and
    gets its messages from there. (Not switched into the exact context, at ~2 µs a record: no
    step of the fast path depends on the context, and the full validation switches itself.)"""
    if not isinstance(data, Mapping):
        return facts_from_mapping(data, file)  # which says what the record should be
    built = _simple_record(data, file)
    if isinstance(built, Facts):
        return built
    if built:  # all simple but these ratings: their problems are the record's (in most cases)
        _refuse_ratings(data["ratings"], built, file)
    return facts_from_mapping(data, file)


@in_exact_context
def _refuse_ratings(ratings: Mapping[str, Any], keys: list[str], file: str) -> None:
    """Raise the FactsError the full validation raises for a record whose parts are all simple
    but the ratings at ``keys``: theirs are its only problems, and each is worded from its own
    part of the record, so the ratings alone are validated. (Should they validate, the caller
    validates the whole record.)"""
    part = {"project": {}, "ratings": {key: ratings[key] for key in keys}}
    _from_document(Document(data=part, file=file, value_marks={}, key_marks={}))


def _simple_record(data: Mapping[str, Any], file: str) -> Facts | list[str] | None:
    """The record's facts, when its parts are all simple; else None, or (when they are all
    simple but some ratings) the keys of those ratings. Keys are text, as the model has them (a
    library mapping's 1: is for the full validation to word)."""
    project, values = data.get("project", {}), data.get("values", {})
    if isinstance(project, dict) and "year" in project:
        project = {**project, "year": _year_text(project["year"])}  # 2021 from a JSON line
    reasons = [data.get("not_applicable", {}), data.get("deviations", {})]
    if not (
        data.keys() <= _RECORD_KEYS
        and isinstance(project, dict)
        and project.keys() <= _SIMPLE_PROJECT
        and all(isinstance(v, str) for v in project.values())
        and is_year(project.get("year", "2000"))  # else the full validation says what is wrong
        and isinstance(values, dict)
        and all(key.__class__ is str for key in values)
        and all(
            isinstance(r, dict)
            and all(k.__class__ is str and v.__class__ is str for k, v in r.items())
            for r in reasons
        )
    ):
        return None
    ratings: dict[str, Rating] = {}
    raw_ratings = data.get("ratings", {})
    if not isinstance(raw_ratings, dict):
        return None
    known = _RATINGS
    refused: list[str] = []
    for key, raw in raw_ratings.items():
        if key.__class__ is not str:
            return None
        if not isinstance(raw, dict) or not raw.keys() <= _RATING_KEYS:
            refused.append(key)
            continue
        tier, narrative = raw.get("tier"), raw.get("narrative")
        score, share = raw.get("score"), raw.get("share")
        if tier is None:
            if score is not None or share is not None:
                refused.append(key)  # read by the full validation, which checks the score
            continue  # else, as the model reads it: an empty rating is a missing one
        # A batch's rows repeat a handful of ratings (达成 and a score of one decimal): each read
        # once, by its parts as written when they are all text (Decimal("2.8") and "2.80" would
        # be one key of two readings).
        parts = (tier, score, share, narrative)
        texts = (
            tier.__class__ is str
            and (score is None or score.__class__ is str)
            and (share is None or share.__class__ is str)
            and (narrative is None or narrative.__class__ is str)
        )
        rating = known.get(parts) if texts else None
        if rating is None:
            if texts and parts in _REFUSED:
                refused.append(key)
                continue
            rating = _rating(tier, score, share, narrative)
            if rating is None:
                refused.append(key)  # the full validation says what is wrong
                if texts:
                    _remember(_REFUSED, parts)
                continue
            if texts:
                _remember(known, parts, rating)
        ratings[key] = rating
    if refused:
        return refused
    return facts_from_values(
        values,
        project=project,
        ratings=ratings,
        not_applicable=reasons[0],
        deviations=reasons[1],
        file=file,
    )


# Ratings read by ``_simple_record``, by their parts as written (all text, or None), and the
# parts it could not read (a score of 达成): each read once.
_Parts = tuple[str, str | None, str | None, str | None]
_RATINGS: dict[_Parts, Rating] = {}
_REFUSED: dict[_Parts, None] = {}
_RATINGS_KEPT = 4096


def _remember(kept: dict[_Parts, Any], parts: _Parts, value: Any = None) -> None:
    if len(kept) >= _RATINGS_KEPT:
        kept.clear()
    kept[parts] = value


def _rating(tier: object, score: object, share: object, narrative: object) -> Rating | None:
    """A rating read from its parts as the model reads them; None when the full validation
    must say what is wrong with it."""
    if not isinstance(tier, str) or not isinstance(narrative, (str, type(None))):
        return None
    try:  # the bounded reader of every number (1e308 must not reach a tier's range check)
        points = None if score is None else parse_number(score)  # type: ignore[arg-type]
        part = None if share is None else share_of(share)
    except (ArithmeticError, ValueError, TypeError):
        return None
    return Rating(tier, points, part, narrative or "")


@functools.cache
def _share() -> TypeAdapter[Decimal]:
    # Built when first asked for (a facts mapping or a batch row with a share), not at every
    # start: building a validator costs milliseconds.
    return TypeAdapter(Share)


def share_of(raw: object) -> Decimal:
    """A rating's share as the facts model reads it (0.9, '90%'); ValueError when it cannot."""
    return _share().validate_python(raw)


def _from_document(document: Document) -> Facts:
    data = document.data
    if not isinstance(data, dict):
        what = described(data)
        raise FactsError(
            Problem(
                tr(
                    "facts-shape",
                    "expected a mapping with project: and values:, got {got}",
                    got=what,
                ),
                "facts-shape",
                file=document.file,
                line=1,
                column=1,
            )
        )
    try:
        model = FactsModel.model_validate(data)
    except ValidationError as exc:
        problems = []
        from ..yamlio.pydantic_errors import describe_errors  # a file with problems only

        for loc, message, code, on_key in describe_errors(exc, data, FactsModel):
            mark = document.position(loc, key=on_key)
            problems.append(
                Problem(
                    message,
                    code,
                    file=document.file,
                    line=mark.line if mark else None,
                    column=mark.column if mark else None,
                    path=id_path(data, loc) or None,
                )
            )
        raise FactsError(problems) from None
    ratings = {
        key: Rating(tier=r.tier, score=r.score, share=r.share, narrative=r.narrative or "")
        for key, r in model.ratings.items()
        if r.tier is not None  # an empty template entry is a missing rating
    }
    return Facts(
        project=model.project.model_dump(exclude_none=True),
        values=model.values,
        ratings=ratings,
        not_applicable=model.not_applicable,
        adjustments=tuple(Adjustment(a.indicator, a.points, a.reason) for a in model.adjustments),
        deviations=model.deviations,
        stated=model.stated,
        document=document,
    )
