"""S: the spec language's shape (unknown and missing keys, invalid values).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, define

define("S001", "unknown-key", ERROR,
       "A key the spec language does not know (often a typo).",
       example="classes:\n"
               "- id: 1\n"
               "  name: car\n"
               "  colour: '#ff0000'  # color")
define("S002", "missing-key", ERROR,
       "A required key is missing.",
       example="classes:\n"
               "- name: car   # id is required")
define("S003", "invalid-value", ERROR,
       "A value has the wrong type or is outside what the key allows.",
       example="classes:\n"
               "- id: one\n"
               "  name: car")
define("S004", "unsupported-format", ERROR,
       "The spec's format version (`guidec:`) is missing or newer than this guidec reads.",
       why="Old specs keep loading through upgrades; a newer spec needs a newer guidec.",
       example="guidec: 7")
