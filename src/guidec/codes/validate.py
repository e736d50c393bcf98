"""V: delivery validation. V001-V049 readers (the files themselves); V050+ rules
over the annotation table, in groups of 50 (see ``guidec.validation.GROUPS``).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, WARNING, define

define("V001", "delivery-unreadable", ERROR,
       "A delivery file or folder cannot be read (missing, a directory where a file is "
       "expected, permission denied; a folder of a YOLO dataset that cannot be listed, whose "
       "files were therefore not read).",
       example="guidec validate --spec spec.yaml missing.json")
define("V002", "delivery-syntax", ERROR,
       "A delivery file is not well-formed JSON, XML, YAML, text or PNG (truncated, wrong "
       "encoding, syntax error). The position of the first error is given.",
       why="A truncated export (an interrupted download, a full disk) often still opens in a "
           "viewer; training code then fails far away from the cause.",
       example='{"images": [{"id": 1, "file_name": "a.jpg"')
define("V003", "delivery-format-unknown", ERROR,
       "The delivery format cannot be detected from the file's content; give it with "
       "--input-format.",
       example="guidec validate --spec spec.yaml notes.txt")
define("V004", "unsafe-xml", ERROR,
       "An XML delivery declares a DTD, entities or external references; guidec refuses to "
       "expand them.",
       why="Entity expansion ('billion laughs') and external entities (reading local files or "
           "URLs) are the classic XML attacks; no annotation tool writes them.",
       example='<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><annotations>&x;</annotations>')
define("V005", "delivery-too-deep", ERROR,
       "Values nest deeper than any annotation format needs (JSON arrays/objects or XML "
       "elements).",
       why="Deep nesting is a denial-of-service pattern for recursive parsers.",
       example="[[[[[[[[[[ ... 10,000 levels ... ]]]]]]]]]]")
define("V006", "delivery-structure", ERROR,
       "The top level of a file is not what its format requires (a COCO file that is not an "
       "object, a Label Studio export that is not a list of tasks, an XML root of the wrong "
       "name).",
       example='[{"id": 1}]  # read as COCO')
define("V007", "missing-field", ERROR,
       "A required field of an image or annotation is missing (COCO `id`, `image_id`, "
       "`category_id`; VOC `bndbox`; CVAT `label`; ...). The record is skipped or read without "
       "it.",
       example='{"id": 7, "image_id": 1, "bbox": [0, 0, 5, 5]}  # no category_id')
define("V008", "wrong-type", ERROR,
       "A field has the wrong type (a string where a number is expected, a box that is not a "
       "list of four numbers, a polygon ring that is not a list of numbers).",
       example='{"bbox": ["10", "20", 30, 40]}')
define("V009", "non-finite-number", ERROR,
       "A coordinate or size is NaN, infinite, or too large to be a pixel coordinate (|v| > "
       "1e9).",
       why="NaN compares false with everything, so range checks silently pass; training code "
           "then produces NaN losses.",
       example='{"bbox": [NaN, 0, 10, 10]}')
define("V010", "odd-coordinate-count", ERROR,
       "A flat coordinate list (COCO polygon ring, YOLO segment row) has an odd number of "
       "values, so its last x has no y. The dangling value is dropped.",
       example='"segmentation": [[10, 10, 20, 10, 20]]')
define("V011", "duplicate-image", ERROR,
       "Two images have the same id (or the same file name where the name is the key). "
       "Annotations are attached to the first.",
       why="pycocotools keys images by id in a dict: the second silently replaces the first.",
       example='"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 1, "file_name": "b.jpg"}]')
define("V012", "duplicate-category", ERROR,
       "Two declared categories (COCO categories, CVAT labels, data.yaml names) have the same "
       "id or name.",
       example='"categories": [{"id": 1, "name": "car"}, {"id": 1, "name": "truck"}]')
define("V013", "bad-rle", ERROR,
       "A tool's own mask encoding cannot be converted into a mask at all (CVAT `rle` that is "
       "not a list of integers or whose runs do not fill its box, Label Studio brush RLE that "
       "is truncated). COCO RLE masks are kept as delivered and judged by V210.",
       example='<mask rle="3, x, 4" left="0" top="0" width="3" height="3" .../>')
define("V014", "image-size-unknown", WARNING,
       "The size of an image cannot be known: the format does not state it (YOLO, PNG masks) "
       "and the image file is missing or its header cannot be read. Checks that need the size "
       "are skipped for its annotations.",
       example="labels/0001.txt with no images/0001.jpg beside it")
define("V015", "unsupported-shape", WARNING,
       "A shape or result type that guidec does not read (CVAT cuboid, Label Studio video or "
       "audio results, COCO segmentation of an unknown form); it is skipped.",
       example='<cuboid label="box" ...>')
define("V016", "bad-data-yaml", ERROR,
       "A YOLO data.yaml is unreadable or inconsistent (names neither a list nor a mapping, "
       "`nc` different from the number of names, `kpt_shape` not [K, 2|3]).",
       example="nc: 3\n"
               "names: [car, truck]")
define("V017", "bad-row", ERROR,
       "A YOLO label row has a length that fits no task (detect 5, segment odd >= 7, pose 5 + "
       "K*ndim, OBB 9), or a value that is not a number.",
       example="0 0.5 0.5 0.2")
define("V018", "mask-unreadable", ERROR,
       "A PNG label map is of a kind guidec cannot read as class ids (16-bit, interlaced, "
       "grey+alpha) or its data is corrupt.",
       example="masks/0001.png (16-bit grey)")
define("V019", "orphan-label-file", WARNING,
       "A YOLO label file has no image with the same stem (labels/x.txt without images/x.*), "
       "or a mask has no image of the same name.",
       example="labels/0042.txt but no images/0042.jpg")
define("V020", "voc-float-coordinates", WARNING,
       "A Pascal VOC box has non-integer coordinates. VOC boxes are 1-based inclusive pixel "
       "indexes; fractions mean the file was converted (labelme writes them) and tools that "
       "parse with int() fail or truncate.",
       example="<xmin>254.38461538461536</xmin>")
define("V021", "panoptic-segment-mismatch", ERROR,
       "A COCO panoptic PNG and its ``segments_info`` disagree: a listed segment has no "
       "pixels, or pixels carry a segment id that is not listed.",
       example='"segments_info": [{"id": 5, "category_id": 1}]  # but the PNG has id 7')
define("V022", "file-not-read", WARNING,
       "A file in a delivery folder has the extension of a delivery format (.json, .xml, "
       ".txt, .png) but no reader recognizes its content, so it is not read: one finding per "
       "folder, naming the first files and how many there are. Give such a file by itself "
       "(with --input-format) to hear what is wrong with it, or move it out of the folder.",
       why="A folder walk that quietly leaves out what it cannot place lets a broken export "
           "(a truncated file, a file of another tool) pass as if it were not there.",
       example="deliveries/batch-03/notes.json  # {\"reviewed_by\": \"ana\"} in a COCO folder")
define("V046", "voc-zero-based", WARNING,
       "A Pascal VOC file counts pixels from 0 (an `xmin` or `ymin` of 0): Pascal VOC boxes "
       "are 1-based inclusive pixel indexes. The file's boxes are read as 0-based; one finding "
       "per file, at its first 0.",
       why="Read as 1-based, every box of a 0-based export moves one pixel up and left, and "
           "boxes at the border land 'outside the image' at coordinates the file never says. "
           "Training code that subtracts 1 (as VOC loaders do) shifts them again.",
       example="<bndbox><xmin>0</xmin><ymin>12</ymin><xmax>40</xmax><ymax>60</ymax></bndbox>")
define("V049", "nothing-read", ERROR,
       "A file that a reader took holds no image and no annotation: an empty export (`[]`, "
       "`{}`, a COCO file without images), or a file of another format that happens to look "
       "like this one. An empty delivery is an error: a gate never passes on what it did not "
       "read.",
       why="A delivery that was not really read passes every other check: an export job that "
           "wrote nothing, or a predictions file read as a labeling export, would be waved "
           "through with exit 0.",
       example="[]  # a Label Studio export with no task")
define("V050", "duplicate-annotation-id", ERROR,
       "Two annotations in one file share an id.",
       why="pycocotools indexes annotations by id in a dict: the second one silently replaces "
           "the first, so an object vanishes from training and evaluation.",
       example='"annotations": [{"id": 7, ...}, {"id": 7, ...}]')
define("V051", "annotation-image-missing", ERROR,
       "An annotation refers to an image the delivery does not list.",
       why="Loaders drop or crash on labels without their image; the object is lost.",
       example='"images": [{"id": 1, ...}], "annotations": [{"image_id": 2, ...}]')
define("V053", "duplicate-image-file", WARNING,
       "Two image entries name the same image file.",
       why="The same picture labeled twice is counted twice and may cross splits.",
       example='"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "a.jpg"}]')
define("V100", "label-unknown-class", ERROR,
       "A label is not a class of the spec: its name is neither a class name nor an alias, or "
       "a row without a name has an id no class has. A name the spec does not know is never "
       "resolved by its id; the message says which class the id would have named.",
       why="An unknown label is either a typo or a class the program never defined; training "
           "would learn a class nobody specified.",
       example="classes: [{id: 1, name: product}]\n"
               "# delivered: category 'prodcut'")
define("V101", "label-deprecated-class", WARNING,
       "A label uses a deprecated class; the message names its replacement.",
       why="Deprecated classes are mapped to their replacements by `guidec migrate`; new "
           "deliveries should use the replacement directly.",
       example="classes:\n"
               "- {id: 5, name: sku, deprecated: true, replaced_by: product}")
define("V102", "shape-not-allowed", ERROR,
       "An annotation is drawn with a shape its class does not allow.",
       why="A polygon where the spec asks for a box (or the reverse) changes what the model is "
           "trained to predict. Crowd masks (`iscrowd: 1`) are accepted for classes that allow "
           "polygons, as COCO does; a `text_region` class accepts boxes, rotated boxes and "
           "polygons.",
       example="classes: [{id: 1, name: product, shapes: [box]}]\n"
               "# delivered: a polygon of class product")
define("V103", "instance-of-stuff-class", ERROR,
       "A region is delivered as an individual instance (an instance id in an instance-id "
       "label map, a panoptic segment of an `isthing: 1` category) but its class has "
       "`instances: false` (stuff).",
       why="Stuff (road, sky, vegetation) has no instances: the spec says it is labelled as "
           "one region per image. Instance ids on it teach instance and panoptic models to "
           "split what should never be split, and make the per-image region counts of the "
           "delivery meaningless.",
       example="classes: [{id: 7, name: road, instances: false}]\n"
               "# delivered: pixels of value 7001 in a *_instanceIds.png (road, instance 1)")
define("V104", "label-name-id-conflict", WARNING,
       "A delivered label and its id name two different classes of the spec (a COCO category "
       "whose name is one class and whose id is another's). The rows are resolved by the name; "
       "one finding per distinct (name, id) pair, with the number of annotations.",
       why="Training pipelines read the id (COCO `category_id`) while people and name-keyed "
           "tools read the name: the two disagree on what these objects are, and the model "
           "learns whatever the id says.",
       example="classes: [{id: 1, name: product}, {id: 2, name: shelf}]\n"
               "# delivered categories: [{id: 1, name: shelf}]")
define("V150", "attribute-unknown", WARNING,
       "An annotation carries an attribute the spec does not define.",
       why="Either a typo of a defined attribute (whose value is then missing) or tool "
           "metadata that nobody specified.",
       example="attributes: {occlusion: ...}\n"
               '# delivered: {"occlussion": "none"}')
define("V151", "attribute-not-for-class", ERROR,
       "An annotation carries a spec attribute that its class does not have.",
       why="The value has no meaning for that class and no annotator guideline.",
       example="classes: [{id: 4, name: empty_slot}]  # no attributes\n"
               "# delivered: empty_slot with occlusion=none")
define("V152", "attribute-required", ERROR,
       "A required attribute is missing (for conditional attributes: while its condition "
       "holds).",
       why="Training code reading the attribute gets no value, or a silent default.",
       example="attributes: {occlusion: {type: enum, values: [none, partial], required: true}}")
define("V153", "attribute-value-not-allowed", ERROR,
       "An enum attribute has a value outside its `values` (or several values where `multiple` "
       "is false).",
       example="occlusion: {type: enum, values: [none, partial, heavy]}\n"
               "# delivered: occlusion=total")
define("V154", "attribute-wrong-type", ERROR,
       "An attribute value is not of the declared type (bool, integer, number, text).",
       example="facing_count: {type: integer}\n"
               '# delivered: facing_count="many"')
define("V155", "attribute-out-of-range", ERROR,
       "A numeric attribute is below `min`, above `max`, off the `step` grid, or fractional "
       "for an integer.",
       example="facing_count: {type: integer, min: 1, max: 48}\n"
               "# delivered: facing_count=0")
define("V156", "attribute-text-invalid", ERROR,
       "A text attribute does not match its `pattern` or its length limits.",
       example="sku_code: {type: text, pattern: '^[0-9]{8}$'}\n"
               '# delivered: sku_code="12-34"')
define("V157", "attribute-condition-unmet", WARNING,
       "A conditional attribute is set although its `when` condition does not hold.",
       why="The value was probably left over after the other attribute changed.",
       example="occluder: {type: enum, values: [tag, product], when: {occlusion: [partial, "
               "heavy]}}\n"
               "# delivered: occlusion=none, occluder=tag")
define("V200", "outside-image", ERROR,
       "A box or polygon extends beyond its image.",
       why="Out-of-image coordinates are clipped differently by every loader, or crash "
           "augmentation code. Half a pixel of slack absorbs exporters' rounding.",
       example='image 640x480, "bbox": [600, 10, 80, 40]')
define("V201", "empty-box", ERROR,
       "A box has zero or negative width or height.",
       why="Zero-size boxes give NaN losses; negative sizes mean swapped corners.",
       example='"bbox": [10, 10, -5, 20]')
define("V202", "polygon-too-few-points", ERROR,
       "A polygon (or one of its parts) has fewer than 3 distinct points.",
       why="pycocotools reads a 4-number ring as a box; shorter rings crash rasterizers.",
       example='"segmentation": [[10, 10, 20, 20]]')
define("V203", "polygon-zero-area", ERROR,
       "A polygon (or one of its parts) has zero area: its points are collinear or repeated.",
       example='"segmentation": [[0, 0, 10, 10, 20, 20]]')
define("V204", "polygon-self-intersection", ERROR,
       "A polygon crosses itself (a bow-tie) or is otherwise invalid for GEOS.",
       why="The filled mask of a self-crossing outline depends on the fill rule of the tool "
           "that rasterizes it.",
       example='"segmentation": [[0, 0, 10, 10, 10, 0, 0, 10]]')
define("V205", "box-polygon-mismatch", WARNING,
       "An annotation's box is not the bounds of its polygon (more than 1 px off).",
       why="Exporters derive the box from the polygon; a mismatch means one of them was edited "
           "alone, and box and mask models then learn different objects.",
       example='"bbox": [0, 0, 50, 50], "segmentation": [[10, 10, 20, 10, 20, 20]]')
define("V206", "area-mismatch", WARNING,
       "The declared `area` does not fit the shape: far from the polygon or mask area, larger "
       "than the box, or larger than the image.",
       why="COCO evaluation splits small/medium/large objects by `area`; a wrong area moves "
           "objects between those buckets (sahi's demo file gives every box the whole image's "
           "area).",
       example='image 1024x682, "bbox": [10, 10, 20, 20], "area": 698368')
define("V207", "mask-size-mismatch", ERROR,
       "A run-length mask's `size` is not the image's [height, width].",
       example='image 640x480, "segmentation": {"size": [640, 480], ...}')
define("V208", "mask-counts-sum", ERROR,
       "A run-length mask's counts do not add up to height x width.",
       why="pycocotools decodes such a mask into garbage or fails.",
       example='"segmentation": {"size": [2, 2], "counts": [1, 2]}')
define("V209", "rotated-box-outside-image", ERROR,
       "A corner of a rotated box lies outside its image.",
       example="image 100x100, rotated box centred at (95, 50), 20x20, 45 degrees")
define("V210", "mask-malformed", ERROR,
       "A COCO run-length mask is malformed: a compressed `counts` string with characters "
       "outside COCO's alphabet or that ends inside a number, negative or fractional runs, "
       "`counts` that is neither a list nor a string, or a `size` that is not [height, width].",
       why="pycocotools decodes such a mask into garbage or crashes the training data loader; "
           "it cannot be rasterized the same way by any two tools.",
       example='"segmentation": {"size": [10, 10], "counts": "!!"}')
define("V211", "box-mask-mismatch", WARNING,
       "An annotation's box is not the bounds of its mask (more than 1 px off), as V205 is for "
       "polygons.",
       why="Exporters derive the box from the mask; a mismatch means one of them was edited "
           "alone, and box and mask models then learn different objects.",
       example='"bbox": [0, 0, 50, 50], "segmentation": {RLE of a 10x10 square at (5, 5)}')
define("V250", "keypoint-count", ERROR,
       "An annotation has a different number of keypoints than its class's schema.",
       why="Keypoints are matched to names by position; one missing point shifts every "
           "following point to the wrong joint.",
       example="keypoint_schemas: {shelf-corners: {points: [tl, tr, br, bl]}}\n"
               "# delivered: 3 keypoints")
define("V251", "keypoint-visibility", ERROR,
       "A keypoint's visibility flag is not one the schema's convention allows (coco: 0, 1, 2; "
       "binary: 0, 1).",
       example='"keypoints": [10, 20, 3]')
define("V252", "keypoint-outside-box", WARNING,
       "A labeled keypoint lies outside its annotation's box (1 px slack).",
       why="Usually a point clicked on the neighbouring object, or a box drawn too tight.",
       example='"bbox": [0, 0, 10, 10], "keypoints": [50, 50, 2]')
define("V253", "keypoint-outside-image", ERROR,
       "A labeled keypoint lies outside its image.",
       example='image 640x480, "keypoints": [700, 20, 2]')
define("V254", "delivered-keypoints-without-schema", ERROR,
       "An annotation carries keypoints but its class has no keypoint schema.",
       example="classes: [{id: 4, name: empty_slot}]  # no keypoints:\n"
               "# delivered: empty_slot with keypoints")
define("V300", "image-too-small", ERROR,
       "An image is smaller than the spec's `media.min_image_size` [width, height].",
       why="Labels drawn on thumbnails are too coarse for the program's accuracy.",
       example="media: {min_image_size: [1280, 720]}\n"
               "# delivered: a 640x480 image")
define("V301", "image-too-large", ERROR,
       "An image is larger than the spec's `media.max_image_size` [width, height].",
       example="media: {max_image_size: [4096, 4096]}")
define("V302", "image-size-unexpected", ERROR,
       "An image's size is not one of the spec's `media.image_sizes`.",
       example="media: {image_sizes: [[1920, 1080]]}\n"
               "# delivered: 1280x720")
define("V303", "proxy-resolution-coordinates", WARNING,
       "Every annotation of an image lies inside the proxy-sized corner of a larger image: the "
       "labels look drawn on a proxy (`media.proxy_max_side`) and never scaled back.",
       why="Proxy-resolution labels on full-resolution images cover the wrong pixels; nothing "
           "else catches it because every coordinate is inside the image. Flagged when an "
           "image has at least 3 annotations, is more than 5 % larger than the proxy, all "
           "annotations end inside the scaled-down frame and they reach past half of it.",
       example="media: {proxy_max_side: 2048}\n"
               "# 4096x3072 image, all boxes within 2048x1536")
define("V304", "normalized-coordinates", ERROR,
       "Every coordinate of an image's annotations is within [0, 1] on an image larger than a "
       "few pixels: they look normalized where pixels are expected.",
       example='image 640x480, "bbox": [0.1, 0.2, 0.3, 0.1]')
define("V350", "transcription-missing", ERROR,
       "A text region of a class with `transcription: required` has no transcription.",
       example="classes: [{name: price_tag, text_region: {transcription: required}}]")
define("V351", "transcription-pattern", ERROR,
       "A transcription does not match the class's `text_region.pattern` (the illegible "
       "marker, `###` by default, is accepted).",
       example="text_region: {pattern: '^[0-9]+[.,][0-9]{2}$'}\n"
               '# delivered: "4,9"')
define("V352", "transcription-alphabet", ERROR,
       "A transcription uses characters outside the class's `text_region.alphabet`.",
       example="text_region: {alphabet: '0123456789.,'}\n"
               '# delivered: "4.99€"')
define("V353", "transcription-too-long", ERROR,
       "A transcription is longer than `text_region.max_length`.",
       example="text_region: {max_length: 12}")
define("V400", "check-box-side", ERROR,
       "A box side is below the rule's `min_box_side` or above its `max_box_side` (a polygon's "
       "bounds count as its box).",
       example="rules:\n"
               "- {id: min-size, title: ..., check: {min_box_side: 8}}")
define("V401", "check-area", ERROR,
       "A shape's area (mask pixels, polygon area or box area) is below `min_area` or above "
       "`max_area`.",
       example="check: {min_area: 100}")
define("V402", "check-aspect-ratio", ERROR,
       "A box's width / height is outside `min_aspect_ratio` .. `max_aspect_ratio`.",
       example="check: {min_aspect_ratio: 0.2, max_aspect_ratio: 5}")
define("V403", "check-vertices", ERROR,
       "A polygon or polyline has fewer than `min_vertices` or more than `max_vertices` points.",
       example="check: {max_vertices: 64}")
define("V404", "check-inside", ERROR,
       "An annotation's box does not lie inside any instance of the `inside` class (its "
       "polygon or box, grown by `tolerance_px`) in the same image.",
       example="check: {inside: shelf, tolerance_px: 6}")
define("V405", "check-overlap", ERROR,
       "Two annotations of the same class in one image overlap with a box IoU above "
       "`max_iou_same_class` (reported on the later one).",
       why="Near-identical boxes are duplicates: the same object labeled twice.",
       example="check: {max_iou_same_class: 0.9}")
define("V406", "check-per-image", ERROR,
       "An image has more than `max_per_image` or fewer than `min_per_image` annotations of "
       "the rule's classes.",
       example="check: {max_per_image: 1}")
define("V407", "check-keypoints-inside-box", ERROR,
       "With `keypoints_inside_box: true`, a labeled keypoint lies outside its box.",
       example="check: {keypoints_inside_box: true}")
define("V408", "check-visible-keypoints", ERROR,
       "Fewer keypoints are visible than `min_visible_keypoints`.",
       example="check: {min_visible_keypoints: 4}")
define("V409", "check-attribute-value", ERROR,
       "An attribute has a value the rule forbids (`not_in`) or does not list (`in`).",
       example="check: {attribute: occlusion, not_in: [heavy]}")
define("V410", "check-text-pattern", ERROR,
       "A transcription does not match the rule's `text_pattern`.",
       example="check: {text_pattern: '^[0-9]+$'}")
