"""H: the handoff gate to training (``guidec handoff``).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define

# ---------------------------------------------------------------- H040-H049: guidec split
define("H040", "split-empty-delivery", ERROR,
       "guidec split: the delivery holds no image to split.",
       example="guidec split --spec spec.yaml empty.json --out splits/")
define("H041", "split-group-key-missing", WARNING,
       "splits.group_by (or --group-by) names an image attribute that no image of the delivery "
       "carries: every image is its own group, so nothing keeps a store or a patient in one "
       "split.",
       why="A group key that is silently absent is exactly the leakage the key was meant to "
           "prevent.",
       example="splits: {group_by: store_id} on a delivery without store_id")
define("H042", "split-share-off", WARNING,
       "A split's share of the images is further from its ratio than the tolerance (groups too "
       "large or too few to divide finely).",
       example="val: 0.16 of the images, ratio 0.10, tolerance 0.05")
define("H043", "split-class-share-off", INFO,
       "A split's share of a class's objects is further from the split's ratio than the "
       "tolerance (a class with few objects, or held by few groups).",
       example="test holds 0 of the 4 'forklift' objects; ratio 0.10")
