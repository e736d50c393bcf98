"""Y: loading spec files (YAML syntax, includes, file limits).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, define

define("Y001", "file-unreadable", ERROR,
       "The file cannot be read.",
       why="guidec needs to read the spec and every file it includes.",
       example="guidec check missing.yaml")
define("Y002", "file-too-large", ERROR,
       "The spec file is larger than the spec bound (64 MiB; a 100,000-class spec is about "
       "20 MB). Raise it with the environment variable GUIDEC_MAX_SPEC_BYTES (e.g. 256M).",
       why="A spec far larger than any taxonomy is almost certainly not a spec; refusing it "
           "early protects CI machines from memory exhaustion, and the bound names how to "
           "raise it for a taxonomy that really is that large.")
define("Y003", "yaml-syntax", ERROR,
       "The file is not valid YAML.",
       example="classes: [product, {id: 1")
define("Y004", "duplicate-key", ERROR,
       "A mapping has the same key twice.",
       why="YAML parsers silently keep the last value; the first one is lost without a word, "
           "which hides editing mistakes.",
       example="project:\n"
               "id: a\n"
               "id: b")
define("Y005", "alias-bomb", ERROR,
       "Aliases expand to more values than a spec can sensibly hold, or nest too deep.",
       why="'Billion laughs' documents expand a few lines of YAML into gigabytes.",
       example='a: &a ["x","x","x","x","x","x","x","x","x"]\n'
               "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]")
define("Y006", "bad-key", ERROR,
       "A mapping key is not a plain scalar (a list, a mapping or null).",
       example="? [a, b]\n"
               ": 1")
define("Y007", "not-a-document", ERROR,
       "The file holds no YAML document, several documents, or not a mapping at the top.",
       example="- just\n"
               "- a list")
define("Y008", "include-outside-folder", ERROR,
       "An include path leaves the spec's folder (absolute, '..', or a link out).",
       why="A spec may be compiled on CI from an untrusted branch; includes must not read "
           "arbitrary files of the machine.",
       example="include: [../../etc/passwd]")
define("Y009", "include-cycle", ERROR,
       "Includes form a cycle (a file includes itself, directly or through others), or a "
       "spec includes more than 256 files in all.",
       example="# a.yaml\n"
               "include: [b.yaml]\n"
               "# b.yaml\n"
               "include: [a.yaml]")
define("Y010", "include-conflict", ERROR,
       "An included file defines an attribute or keypoint schema that is already defined.",
       why="Two definitions of one name would make the result depend on include order.",
       example="attributes: {occlusion: ...}\n"
               "include: [common.yaml]  # also defines occlusion")
