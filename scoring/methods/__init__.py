"""The evaluation methods of 财预〔2020〕10号 that go beyond scoring one project against its targets.

The national rules list 成本效益分析法, 比较法, 因素分析法, 最低成本法 and 公众评判法. Each module
here computes one of them from data jixiao already reads, with decimal arithmetic and located
problems, and knows nothing of how its result is printed (``scoring.commands`` renders it).

- ``survey``: 公众评判法 — questionnaire answers → a satisfaction rate with its sample and a 95%
  interval, every invalid answer reported by row.

May import: ``scoring.errors``, the number modules, ``scoring.tabular.sheet`` (to read a grid of
answers) and ``scoring._yaml``; never the engine, so a method can run without loading a spec.
"""
