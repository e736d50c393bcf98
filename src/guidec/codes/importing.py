"""I: what ``guidec import`` could not carry over from another tool's taxonomy.

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define  # noqa: F401
