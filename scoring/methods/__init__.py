"""The evaluation methods of 财预〔2020〕10号 that go beyond scoring one project against its targets.

The national rules list 成本效益分析法, 比较法, 因素分析法, 最低成本法 and 公众评判法. Each module
here computes one of them from data jixiao already reads, with decimal arithmetic and located
problems, and knows nothing of how its result is printed (``scoring.commands`` renders it).

- ``factors``: 因素分析法 — the change of a total split exactly into each indicator's weight and
  rate effects.
- ``peers``: 比较法 against peers and 标杆管理 — percentile ranks, medians, benchmark projects.
- ``comparison``: 比较法 across years and among peers, put together for ``jixiao compare``.
- ``survey``: 公众评判法 — questionnaire answers → a satisfaction rate with its sample and a 95%
  interval, every invalid answer reported by row.

May import: the engine and its results (to score the years), ``tabular.sheet`` (a grid of
answers), the number modules, ``errors`` and ``yamlio``; never ``report``, ``batch`` or
``commands``. The peers are read and scored by ``batch`` and handed in.
"""
