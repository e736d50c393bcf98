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

# ---------------------------------------------------------------- H050-H069: guidec handoff
define("H050", "file-in-no-split", WARNING,
       "A delivery file whose name and folders name none of the spec's splits: it is not part "
       "of the handoff.",
       example="splits: {names: [train, val]}; the delivery also holds extra.json")
define("H051", "no-split-files", ERROR,
       "No delivery file names a split of the spec (train.json, val/, …): there is nothing to "
       "gate. The run stops with exit 2.",
       example="guidec handoff --spec spec.yaml all.json")
define("H052", "split-ratio-missed", WARNING,
       "A split's share of the images misses splits.ratios by more than the tolerance.",
       example="val holds 0.31 of the images; ratio 0.2")
define("H053", "group-leakage", ERROR,
       "One value of the group key (a store, a site, a patient) has images in two splits: the "
       "model is tested on what it trained on. The finding lists the images per split.",
       why="Leakage across splits inflates every validation metric; it is the handoff defect "
           "that costs most when found late.",
       example="store_id 'S-102': train 14 images, test 3 images")
define("H054", "duplicate-image-across-splits", ERROR,
       "The same image bytes (content hash) appear in two splits.",
       example="train/0012.jpg and test/0981.jpg have the same SHA-256")
define("H055", "class-missing-from-split", WARNING,
       "A class with objects in other splits has none in this split (Datumaro: "
       "LabelDefinedButNotFound, per split).",
       example="test holds no 'forklift', train holds 41")
define("H056", "few-samples-in-class", WARNING,
       "A class has at most one object in a split (Datumaro: FewSamplesInLabel, "
       "few_samples_thr 1).",
       example="val holds 1 'forklift'")
define("H057", "imbalanced-classes", INFO,
       "In a split, the most frequent class has more than 50 times the objects of the least "
       "frequent present one (Datumaro: ImbalancedLabels, imbalance_ratio_thr 50).",
       example="train: car 12,400, scooter 180 (ratio 69)")
define("H058", "class-mix-differs-between-splits", WARNING,
       "The class mix differs between the splits: Cramér's V of the split x class counts "
       "above 0.1 (Datumaro has no such check; a distribution shift the splits were meant to "
       "avoid).",
       example="Cramér's V 0.23 over train, val and test")
