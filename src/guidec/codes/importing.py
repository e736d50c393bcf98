"""I: what ``guidec import`` could not carry over from another tool's taxonomy.

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define

# ---------------------------------------------------------------- I001-I099: the source
define("I001", "import-source-unreadable", ERROR,
       "The file given to ``guidec import`` cannot be read as the format it is (or was given "
       "as): no such file, not UTF-8, not valid XML, JSON, YAML or Python, or not the expected "
       "structure. The finding says where and what was expected; nothing is written (exit 2).",
       example="guidec import labels.json --from cvat  # labels.json is a COCO file")
define("I002", "import-format-unknown", ERROR,
       "``guidec import`` cannot tell the format of the file from its content; nothing is "
       "written. Give the format with ``--from``.",
       example="guidec import classes.txt --out spec.yaml")
define("I003", "import-no-classes", WARNING,
       "The source declares no class, so the imported spec has none: a Label Studio config "
       "whose labels come from task data (``value=\"$objects\"``), or one with only "
       "image-level choices.",
       why="A spec without classes validates no delivery; add them by hand.",
       example='<RectangleLabels name="objects" toName="image" value="$objects"/>')

# ---------------------------------------------------------------- I101-I199: losses
define("I101", "import-element-dropped", WARNING,
       "A part of the source that a guidec spec has no place for is left out: a Label Studio "
       "control that does not label the image (text, audio, relations, ellipses), a CVAT "
       "label type guidec does not draw (ellipse, cuboid), a hosted tool's tool such as "
       "named-entity, or labels taken from task data.",
       why="Annotations made with it have no class in the spec; decide whether the spec "
           "needs them.",
       example='<Ellipse name="e" toName="image"/>')
define("I102", "import-setting-dropped", INFO,
       "Settings of a carried-over element that have no spec field are left out (Label "
       "Studio's ``strokeWidth``, ``opacity``, ``zoom``; mmpose's keypoint colours and "
       "``joint_weights``; YOLO's dataset paths). They change how a tool looks or trains, "
       "not what a label means.",
       example='<RectangleLabels name="label" toName="image" strokeWidth="3">')
define("I103", "import-colour-unknown", WARNING,
       "A colour in the source is not a CSS colour guidec understands (``#rgb``, "
       "``#rrggbb``, ``rgb()``, a CSS colour name) or not an RGB triple of 0-255; guidec "
       "derives a colour for the class instead.",
       example='<Label value="car" background="carmine"/>')
define("I104", "import-attribute-renamed", WARNING,
       "Two labels of the source define an attribute of the same name differently (CVAT "
       "attributes belong to one label; a spec's attributes are shared by name). The second "
       "is written as ``name (label)``: deliveries then use that name for it.",
       why="Merging them would change what one label's annotators may answer.",
       example="car: color [red, blue]; person: color [dark, light]")
define("I105", "import-id-replaced", WARNING,
       "A class id of the source cannot be a guidec id (negative, not a whole number, or "
       "used twice), or a class appears twice with different settings; it gets the next "
       "free id (the finding names both), or the first settings are kept.",
       why="Models trained on the source's ids see other ids for these classes.",
       example="Cityscapes: 'license plate' has id -1")
define("I106", "import-keypoints-inconsistent", WARNING,
       "A keypoint definition contradicts itself and was carried over as far as it goes: a "
       "one-way ``swap`` / ``flip_idx`` (a point flips to one that does not flip back), a "
       "flip index outside the points, a point id that is not its position, a count of "
       "``joint_weights`` or ``sigmas`` that is not the number of points, skeleton edges "
       "naming unknown points.",
       why="Flip augmentation and OKS evaluation read these lists by position: a wrong one "
           "mislabels left and right or weights the wrong joint.",
       example="deepfashion2.py: 'vest_kpt9' swaps with 'vest_kpt13', which swaps with nothing")
define("I107", "import-condition-dropped", WARNING,
       "A Label Studio visibility condition the spec cannot state is left out (a condition "
       "on a control that is not a Choices or labels control, ``visibleWhen`` kinds other "
       "than ``region-selected`` and ``choice-selected``); the attribute always applies.",
       example='<TextArea name="why" visibleWhen="no-region-selected" .../>')
define("I108", "import-shares-not-written", INFO,
       "``guidec import --from-delivery``: the observed share of each class is reported "
       "here (the spec language of this guidec has no priors field to hold them).",
       example="class 'car': 61.2 % of 1,204 annotations")
define("I109", "import-attribute-untyped", WARNING,
       "``guidec import --from-delivery``: an attribute's values mix types (numbers and "
       "text, lists and single values); it is written as text.",
       example="occluded: true in 10 rows, 'partly' in 3")
define("I110", "import-colour-duplicate", WARNING,
       "Two classes of the source have the same colour (a defect guidec's linter rejects as "
       "L401: masks and overlays could not tell them apart). The first keeps it; the others "
       "get a colour guidec derives, and the finding names both classes.",
       why="A mask painted with the source's palette paints both classes alike; with the "
           "imported spec the second class has another colour.",
       example="Cityscapes: 'ego vehicle' and 'unlabeled' are both (0, 0, 0)")
define("I111", "import-name-too-long", WARNING,
       "A class name of the source is longer than the spec language's 64 characters. The "
       "class is named by its first ``/``-separated part when that fits (LVIS-style synonym "
       "lists), else by its first 64 characters; the full name becomes an alias, so "
       "deliveries that use it still resolve.",
       example="'aerosol_can/spray_can/...' (over 64 characters) -> name 'aerosol_can'")
define("I112", "import-range-invalid", WARNING,
       "A number attribute's range in the source contradicts itself (min not below max, a step "
       "of 0 or less, or a default outside the range); the range, step and default are left "
       "out and the attribute is an unbounded number.",
       why="CVAT's server stores such ranges (its editor refuses them); the spec language "
           "cannot hold them.",
       example='{"name": "a4", "input_type": "number", "values": ["2.4", "1", "-5.6"]}')
