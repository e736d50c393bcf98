"""V001-V049: what delivery readers report about the files themselves (structure, syntax).

Everything about the *labels* (unknown class, box outside the image, missing image reference,
duplicate annotation ids, ...) is a validation rule (V050+) over the annotation table; readers
report only what they cannot put into the table faithfully.
"""

from __future__ import annotations

from guidec.codes import register
from guidec.diagnostics import Severity

V001 = register(
    "V001", "delivery-unreadable", Severity.ERROR,
    "A delivery file or folder cannot be read (missing, a directory where a file is expected, "
    "permission denied).",
    example="guidec validate --spec spec.yaml missing.json")
V002 = register(
    "V002", "delivery-syntax", Severity.ERROR,
    "A delivery file is not well-formed JSON, XML, YAML, text or PNG (truncated, wrong "
    "encoding, syntax error). The position of the first error is given.",
    why="A truncated export (an interrupted download, a full disk) often still opens in a "
        "viewer; training code then fails far away from the cause.",
    example='{"images": [{"id": 1, "file_name": "a.jpg"')
V003 = register(
    "V003", "delivery-format-unknown", Severity.ERROR,
    "The delivery format cannot be detected from the file's content; give it with "
    "--input-format.",
    example="guidec validate --spec spec.yaml notes.txt")
V004 = register(
    "V004", "unsafe-xml", Severity.ERROR,
    "An XML delivery declares a DTD, entities or external references; guidec refuses to "
    "expand them.",
    why="Entity expansion ('billion laughs') and external entities (reading local files or "
        "URLs) are the classic XML attacks; no annotation tool writes them.",
    example='<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><annotations>&x;</annotations>')
V005 = register(
    "V005", "delivery-too-deep", Severity.ERROR,
    "Values nest deeper than any annotation format needs (JSON arrays/objects or XML elements).",
    why="Deep nesting is a denial-of-service pattern for recursive parsers.",
    example="[[[[[[[[[[ ... 10,000 levels ... ]]]]]]]]]]")
V006 = register(
    "V006", "delivery-structure", Severity.ERROR,
    "The top level of a file is not what its format requires (a COCO file that is not an "
    "object, a Label Studio export that is not a list of tasks, an XML root of the wrong name).",
    example='[{"id": 1}]  # read as COCO')
V007 = register(
    "V007", "missing-field", Severity.ERROR,
    "A required field of an image or annotation is missing (COCO `id`, `image_id`, "
    "`category_id`; VOC `bndbox`; CVAT `label`; ...). The record is skipped or read without it.",
    example='{"id": 7, "image_id": 1, "bbox": [0, 0, 5, 5]}  # no category_id')
V008 = register(
    "V008", "wrong-type", Severity.ERROR,
    "A field has the wrong type (a string where a number is expected, a box that is not a "
    "list of four numbers, a polygon ring that is not a list of numbers).",
    example='{"bbox": ["10", "20", 30, 40]}')
V009 = register(
    "V009", "non-finite-number", Severity.ERROR,
    "A coordinate or size is NaN, infinite, or too large to be a pixel coordinate (|v| > 1e9).",
    why="NaN compares false with everything, so range checks silently pass; training code "
        "then produces NaN losses.",
    example='{"bbox": [NaN, 0, 10, 10]}')
V010 = register(
    "V010", "odd-coordinate-count", Severity.ERROR,
    "A flat coordinate list (COCO polygon ring, YOLO segment row) has an odd number of values, "
    "so its last x has no y. The dangling value is dropped.",
    example='"segmentation": [[10, 10, 20, 10, 20]]')
V011 = register(
    "V011", "duplicate-image", Severity.ERROR,
    "Two images have the same id (or the same file name where the name is the key). "
    "Annotations are attached to the first.",
    why="pycocotools keys images by id in a dict: the second silently replaces the first.",
    example='"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 1, "file_name": "b.jpg"}]')
V012 = register(
    "V012", "duplicate-category", Severity.ERROR,
    "Two declared categories (COCO categories, CVAT labels, data.yaml names) have the same id "
    "or name.",
    example='"categories": [{"id": 1, "name": "car"}, {"id": 1, "name": "truck"}]')
V013 = register(
    "V013", "bad-rle", Severity.ERROR,
    "A run-length-encoded mask cannot be decoded (COCO compressed string with bad characters, "
    "negative runs, CVAT `rle` that is not a list of integers, Label Studio brush RLE that "
    "is truncated).",
    example='{"counts": "!!", "size": [10, 10]}')
V014 = register(
    "V014", "image-size-unknown", Severity.WARNING,
    "The size of an image cannot be known: the format does not state it (YOLO, PNG masks) and "
    "the image file is missing or its header cannot be read. Checks that need the size are "
    "skipped for its annotations.",
    example="labels/0001.txt with no images/0001.jpg beside it")
V015 = register(
    "V015", "unsupported-shape", Severity.WARNING,
    "A shape or result type that guidec does not read (CVAT cuboid, Label Studio video or "
    "audio results, COCO segmentation of an unknown form); it is skipped.",
    example='<cuboid label="box" ...>')
V016 = register(
    "V016", "bad-data-yaml", Severity.ERROR,
    "A YOLO data.yaml is unreadable or inconsistent (names neither a list nor a mapping, "
    "`nc` different from the number of names, `kpt_shape` not [K, 2|3]).",
    example="nc: 3\nnames: [car, truck]")
V017 = register(
    "V017", "bad-row", Severity.ERROR,
    "A YOLO label row has a length that fits no task (detect 5, segment odd >= 7, pose "
    "5 + K*ndim, OBB 9), or a value that is not a number.",
    example="0 0.5 0.5 0.2")
V018 = register(
    "V018", "mask-unreadable", Severity.ERROR,
    "A PNG label map is of a kind guidec cannot read as class ids (16-bit, interlaced, "
    "grey+alpha) or its data is corrupt.",
    example="masks/0001.png (16-bit grey)")
V019 = register(
    "V019", "orphan-label-file", Severity.WARNING,
    "A YOLO label file has no image with the same stem (labels/x.txt without images/x.*), "
    "or a mask has no image of the same name.",
    example="labels/0042.txt but no images/0042.jpg")
