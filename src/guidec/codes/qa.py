"""Q: QA conflicts between a delivery and a golden set or other annotators (``guidec qa``).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define

# ---------------------------------------------------------------- Q001-Q009: which images
define("Q001", "reference-image-not-delivered", WARNING,
       "An image of the reference (the golden set) has no image of the same file name in the "
       "candidate delivery; its objects are not judged.",
       why="A golden image the annotator never received, or skipped, says nothing about their "
           "accuracy; it is reported rather than counted as missed objects.",
       example="guidec qa --spec spec.yaml --reference gold.json --candidate batch.json")
define("Q002", "candidate-images-not-in-reference", INFO,
       "Images of the candidate delivery that the reference does not hold (one finding with "
       "their count and the first names); they are not judged.",
       example="A 10,000-image batch with 50 golden images: 9,950 images are not judged.")
define("Q003", "nothing-to-compare", ERROR,
       "No image of the candidate corresponds to an image of the reference (by file name, or "
       "by id for images without one); the run stops with exit 2.",
       why="Comparing two deliveries of different images would pass or fail on nothing.",
       example="gold.json holds a.jpg and b.jpg; batch.json holds c.jpg")
define("Q004", "reference-image-repeated", WARNING,
       "The reference holds two images with the same file name; the first is the reference, "
       "the other is ignored.",
       example='{"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, '
               '"file_name": "b/a.jpg"}]}')
define("Q005", "reference-empty", ERROR,
       "The reference holds no annotation on the compared images: every candidate object "
       "would be extra. The run stops with exit 2.",
       example="guidec qa --spec spec.yaml --reference empty.json --candidate batch.json")
define("Q006", "attribute-not-delivered", WARNING,
       "One side carries no value of an attribute at all while the other does (a format "
       "without attributes, such as a pycocotools results file, or an export that dropped "
       "them); the attribute is not compared, and attribute accuracy leaves it out.",
       why="Counting every object as an attribute mismatch would drown the real conflicts; "
           "passing it silently would hide an export that lost the attributes.",
       example="The golden set says occlusion for every car; the delivery has no attributes.")
define("Q007", "transcriptions-not-delivered", WARNING,
       "One side carries no transcription at all while the other does; transcriptions are "
       "not compared (no Q020, no character error rate).",
       why="A format or an export that lost the text would otherwise make every text region "
           "a transcription error.",
       example="A golden set exported without its text, judged against a transcribed batch.")

# ---------------------------------------------------------------- Q010-Q099: conflicts
define("Q010", "missed-object", WARNING,
       "A reference object has no candidate object of any class at or above the match "
       "threshold (error type missed_object).",
       example="The golden set boxes a car the annotator did not box.")
define("Q011", "extra-object", WARNING,
       "A candidate object matches no reference object (error type extra_object).",
       example="The annotator boxed a reflection of a car.")
define("Q012", "wrong-class", WARNING,
       "A candidate object overlaps a reference object of another class; it was paired in the "
       "second pass, across classes (error type wrong_class).",
       example="The reference says truck, the candidate says car, IoU 0.91.")
define("Q013", "low-overlap", WARNING,
       "A matched pair of the same class is less alike than the spec's agreement threshold "
       "for its shape (qa.agreement.box_iou, polygon_iou, mask_iou). Error type loose_box "
       "for boxes, polygon_error for polygons and masks.",
       example="qa.agreement.box_iou: 0.8; the pair's IoU is 0.62.")
define("Q014", "merged-instances", WARNING,
       "A candidate object covers two reference objects of its class: it is matched to one, "
       "and covers at least half of the other, which has no match (error type "
       "merged_instances).",
       example="Two people standing close are boxed as one.")
define("Q015", "split-instance", WARNING,
       "Two candidate objects lie on one reference object of their class: one is matched, "
       "the other lies at least half inside it and has no match (error type split_instance).",
       example="A car hidden behind a pole is boxed as two halves.")
define("Q016", "attribute-mismatch", WARNING,
       "A matched pair of the same class disagrees on an attribute (error types "
       "wrong_attribute, or missing_attribute when the candidate left it unset, and "
       "wrong_<attribute>).",
       example="The reference says occlusion: heavy, the candidate says occlusion: none.")
define("Q017", "keypoints-low-oks", WARNING,
       "A matched pair of keypoint objects has an object keypoint similarity below "
       "qa.agreement.keypoint_oks (error type wrong_keypoint).",
       example="qa.agreement.keypoint_oks: 0.75; the pair's OKS is 0.52.")
define("Q018", "keypoints-swapped", WARNING,
       "Left and right keypoints of a matched pair are swapped: the candidate's mirrored "
       "points (the schema's flip pairs) lie closer to the reference than its own (error "
       "types swapped_keypoints and wrong_keypoint).",
       example="left_wrist and right_wrist are exchanged.")
define("Q019", "boundary-error", WARNING,
       "A matched pair of masks agrees in area but not along its outline: Boundary IoU below "
       "qa.agreement.mask_boundary_f (error type polygon_error).",
       example="A mask IoU of 0.9 with a Boundary IoU of 0.4: a ragged brush edge.")
define("Q020", "transcription-error", WARNING,
       "The transcriptions of a matched pair of text regions differ by a character error rate "
       "above qa.agreement.text_cer (error type wrong_text).",
       example="Reference 'EXIT 12', candidate 'EXIT 21': CER 0.29.")
define("Q021", "reversed-direction", WARNING,
       "A matched pair of polylines runs in opposite directions (error type "
       "reversed_direction).",
       example="A lane line drawn from the horizon down instead of from the car up.")
define("Q022", "duplicate-object", WARNING,
       "A candidate object with no match is as alike a matched reference object of its class "
       "as that reference's match: the object is labelled twice (error type duplicate).",
       example="Two identical boxes on one product.")

# ---------------------------------------------------------------- Q030-Q039: N annotators
define("Q030", "annotators-disagree-on-class", WARNING,
       "guidec qa --annotators: one object (the same region matched across annotators) has "
       "different classes from different annotators; the finding lists each one's class.",
       example="ann1 car, ann2 truck, ann3 car")
define("Q031", "object-not-drawn-by-all", WARNING,
       "guidec qa --annotators: an object some annotators drew and others, who labelled the "
       "same image, did not.",
       example="person drawn by 2 of 3 annotators; not by ann3")

# ---------------------------------------------------------------- Q100-Q199: the verdict
define("Q100", "agreement-below-threshold", ERROR,
       "A measured agreement misses its threshold in qa.agreement: mean IoU of a shape, mean "
       "Boundary IoU, mean OKS or attribute accuracy below it, mean CER above it.",
       example="qa.agreement.box_iou: 0.8; the mean IoU of matched boxes is 0.74.")
define("Q101", "golden-accuracy-below-threshold", ERROR,
       "The candidate's accuracy on the reference is below qa.golden_set.min_accuracy. "
       "Accuracy is correct objects over reference objects plus extra objects; an object is "
       "correct when it is matched with its class and has no conflict.",
       example="qa.golden_set.min_accuracy: 0.97; accuracy 0.91.")
define("Q102", "error-rate-above-limit", ERROR,
       "The rate of an error type exceeds its limit in qa.max_error_rates.",
       example="qa.max_error_rates.missed_object: 0.02; 31 of 1,000 reference objects missed.")
define("Q103", "error-type-not-measured", WARNING,
       "qa.max_error_rates names an error type guidec qa cannot count (neither a built-in type "
       "nor wrong_<attribute> of an attribute of the spec); its limit is not judged.",
       why="A limit that is never measured would otherwise pass silently.",
       example="max_error_rates: {phi_leak: 0.0}")

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
