"""Hypothesis: whatever a filed table holds, import and review raise only the library's own errors,
and a table that imports always scores."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.errors import ScoringError
from scoring.review import review
from scoring.tabular.convert import import_table

HEAD = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]
NUMBER = st.sampled_from(["0", "1", "0.5", "95", "100", "98.5", "1,000", "-3", "1e3"])
UNIT = st.sampled_from(["", "%", "个", "次", "万元", "元", "人次", "分"])
OP = st.sampled_from(["", "≥", "≧", ">=", "＞＝", "≤", "<", "=", "═", "不低于"])
WORDS = st.sampled_from(["有效", "达成预期指标", "部分达成", "未达成", "/", "—", "", "不适用"])
TARGET = st.one_of(st.tuples(OP, NUMBER, UNIT).map("".join), WORDS)
ACTUAL = st.one_of(st.tuples(NUMBER, UNIT).map("".join), WORDS)
WEIGHT = st.sampled_from(["10", "5", "10分", "2.5", "", "/", "0", "十"])
SCORE = st.sampled_from(["10", "9.8", "0", "12", "-1", "", "/", "7", "2.5"])
NAME = st.sampled_from(["", "产出指标", "效益指标（30分）", "数量指标", "小计", "满意度"])
LEAF = st.sampled_from(["培训人次", "完成率100%", "满意度", "安全事故", "成本（万元）", ""])
ROW = st.tuples(NAME, NAME, LEAF, TARGET, ACTUAL, WEIGHT, SCORE, WORDS).map(list)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(ROW, min_size=1, max_size=8), st.sampled_from(["", "100", "95.5"]))
def test_import_of_arbitrary_rows_raises_only_scoring_errors(
    rows: list[list[str]], total: str
) -> None:
    """Any grid under a valid header imports (and reviews), or fails with ScoringError naming
    cells; never with a pair the engine refuses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["项目名称", "测试"])
    writer.writerow(HEAD)
    writer.writerows(rows)
    writer.writerow(["总分", "", "", "", "", "100", total])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        codes: list[str] = []
        try:
            imported = import_table(path)
        except ScoringError as exc:
            codes = [problem.code for problem in exc.problems]
        else:
            assert imported.rule_result is not None
            review(imported.rule_result, imported.stated, imported.notices)
            return
    assert codes
    # A table problem names a cell; the pair made from a readable table always scores.
    assert "table-import" not in codes
