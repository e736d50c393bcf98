"""Q: QA conflicts between a delivery and a golden set or other annotators (``guidec qa``).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define  # noqa: F401
