"""Q: QA conflicts between a delivery and a golden set or other annotators (``guidec qa``).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define

# Q200-Q219: the audit sample (``guidec sample``).
define("Q200", "sample-empty-delivery", ERROR,
       "The delivery holds no image, so there is nothing to sample; nothing is written.",
       why="An empty export (a filter that matched nothing, the wrong project exported) would "
           "otherwise pass the audit with an empty sample.",
       example='guidec sample --spec spec.yaml empty.json -o audit/  # {"images": []}')
define("Q201", "sample-below-minimum", WARNING,
       "The delivery has fewer images than the audit's minimum sample (`qa.audit.min_sample` "
       "or `--min`); the sample is the whole delivery.",
       why="The spec promises reviewers at least `min_sample` images per batch; a small batch "
           "cannot keep that promise, and the audit report should say so.",
       example="qa: {audit: {sample_rate: 0.05, min_sample: 50}}  # a batch of 30 images")
define("Q202", "sample-class-not-covered", WARNING,
       "A class present in the delivery has no image in the sample, because the sample is "
       "smaller than the number of classes in the delivery. The rarest classes are covered "
       "first.",
       why="Stratification promises every delivered class at least one audited image; when the "
           "sample is too small for that, reviewers should know which classes went unchecked "
           "(raise `--min` or `--rate` to cover them).",
       example="guidec sample --spec spec.yaml batch.json --rate 0 --min 1 -o audit/  "
               "# a delivery of 3 classes")
define("Q203", "sample-unknown-labels", INFO,
       "Annotations whose label the spec does not know form no stratum of their own; their "
       "images are drawn only by the random part of the sample.",
       why="Strata are the spec's classes. Unknown labels are a validation finding (V100); "
           "`guidec validate` names them.",
       example='{"category_id": 9}  # no class of the spec has id 9')
