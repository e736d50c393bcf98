"""The one columnar annotation table every delivery reader produces and every rule reads.

No rule knows which file format the labels came from. Columns are numpy arrays, one row per
annotation; ragged geometry is stored as values plus offsets:

* polygons / polylines / points: ``vertices`` (V, 2) float64, ``ring_offsets`` (R+1) into
  vertices, ``ann_ring_offsets`` (N+1) into rings. A polygon annotation with several parts has
  several rings; a box has none.
* keypoints: ``kp`` (K, 3) float64 (x, y, visibility), ``kp_offsets`` (N+1) into ``kp``.

Coordinates are absolute pixels of the delivered image, x right, y down, origin at the
top-left corner of the top-left pixel (COCO convention). Readers convert (VOC's 1-based
inclusive boxes, YOLO and Label Studio normalized/percent values) so rules never need to.

A row's source location is its file (index into ``files``) plus either a line (XML, YOLO
text) or an index that the file's ``pointer_format`` turns into a JSON pointer. Pointers are
built only for rows that have findings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class Shape(enum.IntEnum):
    BOX = 1
    ROTATED_BOX = 2
    POLYGON = 3
    MASK = 4  # RLE or bitmap mask
    POLYLINE = 5
    POINTS = 6
    KEYPOINTS = 7
    ELLIPSE = 8
    TAG = 9  # image-level label without geometry

    @property
    def spec_name(self) -> str:
        """The name the spec language uses for this shape."""
        return self.name.lower()


MISSING = None  # value of an attribute cell that the delivery did not set


def constant(n: int, value: Any = None, dtype: Any = object) -> np.ndarray:
    """A read-only column of ``n`` cells that all hold ``value`` (a column the format does not
    fill: no ids, no declared areas), taking no memory per row: every row views one cell.
    Indexing, comparisons and ``concat_tables`` give ordinary arrays; writing into it raises."""
    return np.broadcast_to(np.array(value, dtype=dtype), (n,))


@dataclass(slots=True)
class SourceFile:
    path: str
    format: str  # coco | yolo | voc | cvat | label_studio | mask
    # e.g. "/annotations/{}" for COCO; None for line-addressed formats
    pointer_format: str | None = None
    # the same for image rows, e.g. "/images/{}" for COCO
    image_pointer_format: str | None = None
    # explicit JSON pointers, indexed by src_index, for files whose rows are not one flat
    # list (Label Studio: /3/annotations/0/result/2); used instead of the formats when set
    pointers: list[str] | None = None


@dataclass(slots=True)
class ImageTable:
    """One row per image in the delivery."""

    key: np.ndarray  # object: the delivery's image id (int or str)
    file_name: np.ndarray  # object: str
    width: np.ndarray  # float64, nan when unknown
    height: np.ndarray  # float64, nan when unknown
    src_file: np.ndarray  # int32 index into AnnotationTable.files
    src_line: np.ndarray  # int32, -1 when unknown
    src_index: np.ndarray  # int64 index for pointer_format, -1 when unknown
    # image-level attributes (weather, ...): name -> object array, None where unset
    attributes: dict[str, np.ndarray] = field(default_factory=dict)
    # object per row: who labeled this copy of the image (Label Studio ``completed_by``, else
    # the annotation id) where a delivery holds several annotators' labels of one image, each
    # as an image row of its own; None: one labeling per image (the column may be None)
    annotator: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.key)


@dataclass(slots=True)
class AnnotationTable:
    files: list[SourceFile]
    images: ImageTable
    # --- one row per annotation ---
    ann_id: np.ndarray  # object: the delivery's annotation id (int/str) or None
    image_index: np.ndarray  # int64 row in images, -1 when the referenced image is missing
    label: np.ndarray  # object: class name as delivered (str), None when only label_id is known
    label_id: np.ndarray  # int64 class id as delivered (COCO category_id, YOLO index), -1 if none
    shape: np.ndarray  # int8 Shape
    bbox: np.ndarray  # (N, 4) float64 x, y, w, h; nan when the annotation has no box
    rotation: np.ndarray  # float64 degrees clockwise about the box centre; 0 when none
    area: np.ndarray  # float64 area as declared by the delivery, nan when absent
    iscrowd: np.ndarray  # bool
    vertices: np.ndarray  # (V, 2) float64
    ring_offsets: np.ndarray  # (R+1,) int64
    ann_ring_offsets: np.ndarray  # (N+1,) int64
    kp: np.ndarray  # (K, 3) float64
    kp_offsets: np.ndarray  # (N+1,) int64
    rle: np.ndarray  # object: None or {"counts": list[int] | str, "size": [h, w]}
    text: np.ndarray  # object: transcription or None
    attributes: dict[str, np.ndarray]  # name -> object array, None where unset
    src_file: np.ndarray  # int32
    src_line: np.ndarray  # int32, -1 when unknown
    src_index: np.ndarray  # int64, -1 when unknown
    # categories declared by the delivery itself (COCO categories, CVAT meta labels,
    # YOLO data.yaml names): id -> {"name": ..., "keypoints": [...], ...}
    declared_categories: dict[Any, dict] = field(default_factory=dict)
    # int64 per row: the delivery's instance id where it separates the region as one
    # individual instance (Cityscapes instance-id maps, COCO panoptic "thing" segments);
    # -1 for class-level regions. None: the format has no such notion (all -1).
    instance_id: np.ndarray | None = None
    # float64 per row: a model's confidence (pycocotools results, pre-labels); NaN where a row
    # has none. None: the format has no scores (labels made by people).
    score: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ann_id)

    @property
    def instances(self) -> np.ndarray:
        """``instance_id`` with -1 everywhere when the format has none."""
        if self.instance_id is None:
            return np.full(len(self.ann_id), -1, dtype=np.int64)
        return self.instance_id

    # -- locations -------------------------------------------------------------
    def location(self, row: int) -> tuple[str, int | None, str | None]:
        """(file path, line or None, JSON pointer or None) of annotation ``row``."""
        return _location(self.files, self.src_file[row], self.src_line[row], self.src_index[row])

    def image_location(self, img: int) -> tuple[str, int | None, str | None]:
        im = self.images
        return _location(self.files, im.src_file[img], im.src_line[img], im.src_index[img],
                         image=True)

    # -- ragged access (for slow paths and tests; rules should stay vectorized) --
    def rings_of(self, row: int) -> list[np.ndarray]:
        r0, r1 = self.ann_ring_offsets[row], self.ann_ring_offsets[row + 1]
        return [
            self.vertices[self.ring_offsets[r] : self.ring_offsets[r + 1]] for r in range(r0, r1)
        ]

    def keypoints_of(self, row: int) -> np.ndarray:
        return self.kp[self.kp_offsets[row] : self.kp_offsets[row + 1]]


def _location(files, f, line, index, image: bool = False) -> tuple[str, int | None, str | None]:
    sf = files[int(f)]
    line = int(line)
    index = int(index)
    fmt = sf.image_pointer_format if image else sf.pointer_format
    if sf.pointers is not None:
        pointer = sf.pointers[index] if 0 <= index < len(sf.pointers) else None
    else:
        pointer = fmt.format(index) if fmt and index >= 0 else None
    return sf.path, (line if line >= 0 else None), pointer


# dtype of each annotation column (bbox: (N, 4)); object columns are built with fromiter
_ANN_DTYPES = {
    "ann_id": object, "image_index": np.int64, "label": object, "label_id": np.int64,
    "shape": np.int8, "bbox": np.float64, "rotation": np.float64, "area": np.float64,
    "iscrowd": bool, "rle": object, "text": object, "src_file": np.int32,
    "src_line": np.int32, "src_index": np.int64, "instance_id": np.int64,
    "score": np.float64}


class TableBuilder:
    """Row-by-row construction for readers of small or line-oriented formats.

    Fast readers (COCO at train2017 scale) build the arrays directly instead; readers of many
    files add whole columns at once (:meth:`add_columns`) between rows added one at a time.
    """

    def __init__(self) -> None:
        self.files: list[SourceFile] = []
        self._img: dict[str, list] = {k: [] for k in (
            "key", "file_name", "width", "height", "src_file", "src_line", "src_index",
            "annotator")}
        self._img_attrs: dict[str, dict[int, Any]] = {}
        self._img_index: dict[Any, int] = {}
        self._a: dict[str, list] = {k: [] for k in (
            "ann_id", "image_index", "label", "label_id", "shape", "bbox", "rotation", "area",
            "iscrowd", "rle", "text", "src_file", "src_line", "src_index", "instance_id",
            "score")}
        self._attrs: dict[str, dict[int, Any]] = {}
        # annotation columns already made arrays (add_columns), in row order before _a's rows
        self._chunks: list[dict[str, np.ndarray]] = []
        self._sealed = 0
        # vertices in order: lists of (x, y) tuples from add_annotation, (k, 2) arrays from
        # add_rows; _nvert counts them all
        self._vparts: list = []
        self._nvert = 0
        self._ring_offsets: list[int] = [0]
        self._ann_ring_offsets: list[int] = [0]
        self._kp: list[tuple[float, float, float]] = []
        self._kp_offsets: list[int] = [0]
        # offsets of the rows before the last add_columns, as arrays (without the leading 0);
        # the lists above then start with the last offset sealed, never output again
        self._offset_parts: dict[str, list[np.ndarray]] = {"ring": [], "ann": [], "kp": []}
        self._rings_sealed = 0
        self.declared_categories: dict[Any, dict] = {}

    @property
    def rows(self) -> int:
        """Annotation rows added so far."""
        return self._sealed + len(self._a["ann_id"])

    def add_file(self, path: str, fmt: str, pointer_format: str | None = None,
                 image_pointer_format: str | None = None) -> int:
        self.files.append(SourceFile(path, fmt, pointer_format, image_pointer_format))
        return len(self.files) - 1

    def add_image(self, key, file_name: str, width: float | None, height: float | None, *,
                  src_file: int = 0, src_line: int = -1, src_index: int = -1,
                  attributes: dict[str, Any] | None = None, pointer: str | None = None,
                  annotator: Any = None) -> int:
        idx = len(self._img["key"])
        if pointer is not None:
            src_index = self._add_pointer(src_file, pointer)
        i = self._img
        i["key"].append(key)
        i["file_name"].append(file_name)
        i["width"].append(np.nan if width is None else float(width))
        i["height"].append(np.nan if height is None else float(height))
        i["src_file"].append(src_file)
        i["src_line"].append(src_line)
        i["src_index"].append(src_index)
        i["annotator"].append(annotator)
        for name, value in (attributes or {}).items():
            self._img_attrs.setdefault(name, {})[idx] = value
        self._img_index.setdefault(key, idx)
        return idx

    def add_files(self, paths: list[str], fmt: str) -> int:
        """:meth:`add_file` for each of ``paths`` (no pointer formats); the first's index."""
        first = len(self.files)
        self.files.extend([SourceFile(p, fmt) for p in paths])
        return first

    def add_images(self, keys: list, file_names: list[str], widths: np.ndarray,
                   heights: np.ndarray, src_files: np.ndarray) -> int:
        """:meth:`add_image` for many images (no line, index or attributes; NaN for an
        unknown width or height); the first's index."""
        first = len(self._img["key"])
        k = len(keys)
        i = self._img
        i["key"].extend(keys)
        i["file_name"].extend(file_names)
        i["width"].extend(np.asarray(widths, dtype=np.float64).tolist())
        i["height"].extend(np.asarray(heights, dtype=np.float64).tolist())
        i["src_file"].extend(np.asarray(src_files).tolist())
        i["src_line"].extend([-1] * k)
        i["src_index"].extend([-1] * k)
        i["annotator"].extend([None] * k)
        index = self._img_index
        for n, key in enumerate(keys, first):
            index.setdefault(key, n)
        return first

    def _add_pointer(self, src_file: int, pointer: str) -> int:
        sf = self.files[src_file]
        if sf.pointers is None:
            sf.pointers = []
        sf.pointers.append(pointer)
        return len(sf.pointers) - 1

    @property
    def image_count(self) -> int:
        return len(self._img["key"])

    def set_annotator(self, first_image: int, who: Any) -> None:
        """Name who labelled the images from ``first_image`` on (a CVAT job's assignee)."""
        ann = self._img["annotator"]
        for k in range(first_image, len(ann)):
            ann[k] = who

    def set_image_attribute(self, image: int, name: str, value: Any) -> None:
        self._img_attrs.setdefault(name, {})[image] = value

    def image_index(self, key) -> int:
        return self._img_index.get(key, -1)

    def add_annotation(
        self,
        *,
        image_index: int,
        shape: Shape,
        label: str | None = None,
        label_id: int = -1,
        ann_id=None,
        bbox=None,
        rotation: float = 0.0,
        area: float | None = None,
        iscrowd: bool = False,
        rings=(),
        keypoints=None,
        rle=None,
        text: str | None = None,
        attributes: dict[str, Any] | None = None,
        src_file: int = 0,
        src_line: int = -1,
        src_index: int = -1,
        pointer: str | None = None,
        instance_id: int = -1,
        score: float | None = None,
    ) -> int:
        row = self.rows
        if pointer is not None:
            src_index = self._add_pointer(src_file, pointer)
        a = self._a
        a["ann_id"].append(ann_id)
        a["image_index"].append(image_index)
        a["label"].append(label)
        # an id beyond int64 (hostile input) cannot be a class id: unknown
        a["label_id"].append(label_id if -(2**62) < label_id < 2**62 else -1)
        a["shape"].append(int(shape))
        a["bbox"].append(tuple(bbox) if bbox is not None else (np.nan,) * 4)
        a["rotation"].append(float(rotation))
        a["area"].append(np.nan if area is None else float(area))
        a["iscrowd"].append(bool(iscrowd))
        a["rle"].append(rle)
        a["text"].append(text)
        a["src_file"].append(src_file)
        a["src_line"].append(src_line)
        a["src_index"].append(src_index)
        a["instance_id"].append(instance_id)
        a["score"].append(np.nan if score is None else float(score))
        for ring in rings:
            pts = [(float(x), float(y)) for x, y in ring]
            if self._vparts and isinstance(self._vparts[-1], list):
                self._vparts[-1].extend(pts)
            else:
                self._vparts.append(pts)
            self._nvert += len(pts)
            self._ring_offsets.append(self._nvert)
        self._ann_ring_offsets.append(self._ring_count())
        if keypoints is not None:
            self._kp.extend((float(x), float(y), float(v)) for x, y, v in keypoints)
        self._kp_offsets.append(len(self._kp))
        for name, value in (attributes or {}).items():
            self._attrs.setdefault(name, {})[row] = value
        return row

    def add_boxes(self, image_index: int, labels: list, bboxes: list, attributes: list, *,
                  src_file: int, src_lines: list[int], src_indexes: list[int],
                  label_ids: list[int] | None = None) -> None:
        """Box rows of one image at once (the fast paths of per-image formats): what
        :meth:`add_annotation` does for each, by list extends instead of one call a row."""
        k = len(labels)
        if not k:
            return
        row = self.rows
        a = self._a
        a["ann_id"].extend([None] * k)
        a["image_index"].extend([image_index] * k)
        a["label"].extend(labels)
        a["label_id"].extend(label_ids if label_ids is not None else [-1] * k)
        a["shape"].extend([int(Shape.BOX)] * k)
        a["bbox"].extend(bboxes)
        a["rotation"].extend([0.0] * k)
        a["area"].extend([np.nan] * k)
        a["iscrowd"].extend([False] * k)
        a["rle"].extend([None] * k)
        a["text"].extend([None] * k)
        a["src_file"].extend([src_file] * k)
        a["src_line"].extend(src_lines)
        a["src_index"].extend(src_indexes)
        a["instance_id"].extend([-1] * k)
        a["score"].extend([np.nan] * k)
        rings = self._ring_count()
        self._ann_ring_offsets.extend([rings] * k)
        self._kp_offsets.extend([len(self._kp)] * k)
        for i, attrs in enumerate(attributes):
            for name, value in (attrs or {}).items():
                self._attrs.setdefault(name, {})[row + i] = value

    def add_rows(self, image_index: int, labels: list, label_ids: list, shapes: list,
                 bboxes: list, rings: list, *, src_file: int, src_lines: list[int]) -> None:
        """Box and polygon rows of one image at once: ``rings[i]`` is a (k, 2) float array
        for a polygon row, None for a box row (``bboxes[i]``, NaN for a polygon). What
        :meth:`add_annotation` does for each, by list extends and one vertex array a row."""
        k = len(labels)
        if not k:
            return
        a = self._a
        a["ann_id"].extend([None] * k)
        a["image_index"].extend([image_index] * k)
        a["label"].extend(labels)
        a["label_id"].extend(label_ids)
        a["shape"].extend(int(x) for x in shapes)
        a["bbox"].extend(bboxes)
        a["rotation"].extend([0.0] * k)
        a["area"].extend([np.nan] * k)
        a["iscrowd"].extend([False] * k)
        a["rle"].extend([None] * k)
        a["text"].extend([None] * k)
        a["src_file"].extend([src_file] * k)
        a["src_line"].extend(src_lines)
        a["src_index"].extend([-1] * k)
        a["instance_id"].extend([-1] * k)
        a["score"].extend([np.nan] * k)
        nkp = len(self._kp)
        for ring in rings:
            if ring is not None:
                self._vparts.append(ring)
                self._nvert += len(ring)
                self._ring_offsets.append(self._nvert)
            self._ann_ring_offsets.append(self._ring_count())
            self._kp_offsets.append(nkp)

    def add_many(self, *, image_index: list, label_id: list, shape: list, bbox: list,
                 score: list, rle: list, vertices: np.ndarray, ring_lens: np.ndarray,
                 rings_per_row: np.ndarray, kp: np.ndarray, kp_per_row: np.ndarray,
                 src_file: int, pointers: list[str]) -> None:
        """Rows of one file at once (a results file): the columns as lists, the polygon
        vertices of every row as one (V, 2) array cut by ``ring_lens`` (vertices a ring) and
        ``rings_per_row``, the keypoints as one (K, 3) array cut by ``kp_per_row``. The same
        table as :meth:`add_annotation` a row at a time."""
        k = len(label_id)
        if not k:
            return
        a = self._a
        a["ann_id"].extend([None] * k)
        a["image_index"].extend(image_index)
        a["label"].extend([None] * k)
        a["label_id"].extend(label_id)
        a["shape"].extend(int(x) for x in shape)
        nan4 = (np.nan,) * 4
        a["bbox"].extend(nan4 if x is None else tuple(x) for x in bbox)
        a["rotation"].extend([0.0] * k)
        a["area"].extend([np.nan] * k)
        a["iscrowd"].extend([False] * k)
        a["rle"].extend(rle)
        a["text"].extend([None] * k)
        a["src_file"].extend([src_file] * k)
        a["src_line"].extend([-1] * k)
        sf = self.files[src_file]
        if sf.pointers is None:
            sf.pointers = []
        first = len(sf.pointers)
        sf.pointers.extend(pointers)
        a["src_index"].extend(range(first, first + k))
        a["instance_id"].extend([-1] * k)
        a["score"].extend(np.nan if v is None else float(v) for v in score)
        if len(vertices):
            self._vparts.append(np.asarray(vertices, dtype=np.float64).reshape(-1, 2))
        ends = self._nvert + np.cumsum(ring_lens, dtype=np.int64)
        self._nvert = int(ends[-1]) if len(ends) else self._nvert
        self._ring_offsets.extend(ends.tolist())
        base = self._ring_count() - len(ring_lens)
        self._ann_ring_offsets.extend((base + np.cumsum(rings_per_row)).tolist())
        if len(kp):
            self._kp.extend(map(tuple, np.asarray(kp, dtype=np.float64).reshape(-1, 3).tolist()))
        nkp = len(self._kp) - int(np.sum(kp_per_row))
        self._kp_offsets.extend((nkp + np.cumsum(kp_per_row)).tolist())

    def add_columns(self, *, image_index: np.ndarray, label: np.ndarray, label_id: np.ndarray,
                    shape: np.ndarray, bbox: np.ndarray, src_file: np.ndarray,
                    src_line: np.ndarray, vertices: np.ndarray, rings_per_row: np.ndarray,
                    ring_lens: np.ndarray, rotation: np.ndarray | None = None,
                    kp: np.ndarray | None = None, kp_per_row: np.ndarray | None = None
                    ) -> None:
        """Rows of many images at once, as columns (a row per item; ``label`` an object
        array, ``bbox`` (k, 4) NaN where a row has none, ``rotation`` 0 where none): the
        polygons' vertices as one (V, 2) array cut into rings by ``ring_lens`` (vertices a
        ring), ``rings_per_row`` rings a row; keypoints (K, 3) cut by ``kp_per_row``. No
        Python object a row (but a tuple a keypoint): the table :meth:`add_annotation` makes
        a row at a time."""
        k = len(image_index)
        if not k:
            return
        self._seal()
        full = constant  # the columns this path never fills take no memory
        self._chunks.append({
            "ann_id": full(k, None, dtype=object),
            "image_index": np.asarray(image_index, dtype=np.int64),
            "label": np.asarray(label, dtype=object),
            "label_id": np.asarray(label_id, dtype=np.int64),
            "shape": np.asarray(shape, dtype=np.int8),
            "bbox": np.asarray(bbox, dtype=np.float64).reshape(k, 4),
            "rotation": (np.zeros(k) if rotation is None
                         else np.asarray(rotation, dtype=np.float64)),
            "area": full(k, np.nan, np.float64), "iscrowd": np.zeros(k, bool),
            "rle": full(k, None, dtype=object), "text": full(k, None, dtype=object),
            "src_file": np.asarray(src_file, dtype=np.int32),
            "src_line": np.asarray(src_line, dtype=np.int32),
            "src_index": full(k, -1, dtype=np.int64),
            "instance_id": full(k, -1, dtype=np.int64), "score": full(k, np.nan, np.float64)})
        self._sealed += k
        if len(vertices):
            self._vparts.append(np.asarray(vertices, dtype=np.float64).reshape(-1, 2))
        ends = self._nvert + np.cumsum(ring_lens, dtype=np.int64)
        self._nvert = int(ends[-1]) if len(ends) else self._nvert
        self._seal_offsets()
        parts = self._offset_parts
        base = self._ring_count()
        parts["ring"].append(ends)
        parts["ann"].append(base + np.cumsum(rings_per_row, dtype=np.int64))
        self._rings_sealed += len(ends)
        nkp = len(self._kp)
        if kp is None:
            parts["kp"].append(np.full(k, nkp, dtype=np.int64))
        else:
            self._kp.extend(map(tuple, np.asarray(kp, dtype=np.float64).reshape(-1, 3).tolist()))
            parts["kp"].append(nkp + np.cumsum(kp_per_row, dtype=np.int64))
        self._ring_offsets = [self._nvert]
        self._ann_ring_offsets = [self._ring_count()]
        self._kp_offsets = [len(self._kp)]

    def _ring_count(self) -> int:
        return self._rings_sealed + len(self._ring_offsets) - 1

    def _seal_offsets(self) -> None:
        """The offset lists' values made array parts (the lists keep their last value)."""
        parts = self._offset_parts
        for key, values in (("ring", self._ring_offsets), ("ann", self._ann_ring_offsets),
                            ("kp", self._kp_offsets)):
            if len(values) > 1:
                parts[key].append(np.asarray(values[1:], dtype=np.int64))
        self._rings_sealed += len(self._ring_offsets) - 1
        self._ring_offsets = self._ring_offsets[-1:]
        self._ann_ring_offsets = self._ann_ring_offsets[-1:]
        self._kp_offsets = self._kp_offsets[-1:]

    def _offsets(self, key: str, tail: list[int]) -> np.ndarray:
        return np.concatenate([np.zeros(1, dtype=np.int64), *self._offset_parts[key],
                               np.asarray(tail[1:], dtype=np.int64)])

    def _seal(self) -> None:
        """The annotation rows added one at a time so far, made a chunk of columns."""
        a = self._a
        n = len(a["ann_id"])
        if not n and self._chunks:
            return
        chunk = {}
        for key, dtype in _ANN_DTYPES.items():
            if dtype is object:
                # fromiter keeps list values (multi-select attributes) as cells, never nests
                chunk[key] = np.fromiter(a[key], dtype=object, count=n)
            else:
                chunk[key] = np.asarray(a[key], dtype=dtype).reshape((n, 4) if key == "bbox"
                                                                     else n)
            a[key] = []
        self._chunks.append(chunk)
        self._sealed += n

    def _vertex_array(self) -> np.ndarray:
        parts = [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in self._vparts]
        if len(parts) == 1:  # one vertex array (add_columns): no copy
            return parts[0]
        return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.float64)

    def build(self) -> AnnotationTable:
        self._seal()
        n = self._sealed
        m = len(self._img["key"])

        def obj(values: list) -> np.ndarray:
            # fromiter keeps list values (multi-select attributes) as cells, never nests them
            return np.fromiter(values, dtype=object, count=len(values))

        def sparse(cols: dict[str, dict[int, Any]], size: int) -> dict[str, np.ndarray]:
            out = {}
            for name in sorted(cols):
                arr = np.full(size, None, dtype=object)
                for idx, value in cols[name].items():
                    arr[idx] = value
                out[name] = arr
            return out

        i = self._img
        images = ImageTable(
            key=obj(i["key"]),
            file_name=obj(i["file_name"]),
            width=np.asarray(i["width"], dtype=np.float64).reshape(m),
            height=np.asarray(i["height"], dtype=np.float64).reshape(m),
            src_file=np.asarray(i["src_file"], dtype=np.int32).reshape(m),
            src_line=np.asarray(i["src_line"], dtype=np.int32).reshape(m),
            src_index=np.asarray(i["src_index"], dtype=np.int64).reshape(m),
            attributes=sparse(self._img_attrs, m),
            annotator=(obj(i["annotator"]) if any(v is not None for v in i["annotator"])
                       else None),
        )
        chunks = [c for c in self._chunks if len(c["ann_id"])] or self._chunks[:1]
        # one chunk's columns are taken as they are (add_columns' constant ones stay so)
        a = {key: (chunks[0][key] if len(chunks) == 1 else
                   np.concatenate([c[key] for c in chunks]))
             for key in _ANN_DTYPES}
        return AnnotationTable(
            files=list(self.files),
            images=images,
            ann_id=a["ann_id"],
            image_index=a["image_index"],
            label=a["label"],
            label_id=a["label_id"],
            shape=a["shape"],
            bbox=a["bbox"].reshape(n, 4),
            rotation=a["rotation"],
            area=a["area"],
            iscrowd=a["iscrowd"],
            vertices=self._vertex_array(),
            ring_offsets=self._offsets("ring", self._ring_offsets),
            ann_ring_offsets=self._offsets("ann", self._ann_ring_offsets),
            kp=np.asarray(self._kp, dtype=np.float64).reshape(-1, 3),
            kp_offsets=self._offsets("kp", self._kp_offsets),
            rle=a["rle"],
            text=a["text"],
            attributes=sparse(self._attrs, n),
            src_file=a["src_file"],
            src_line=a["src_line"],
            src_index=a["src_index"],
            declared_categories=dict(self.declared_categories),
            instance_id=a["instance_id"] if (a["instance_id"] >= 0).any() else None,
            score=a["score"] if not np.isnan(a["score"]).all() else None,
        )


def box_table(files: list[SourceFile], *, file_name: np.ndarray, width: np.ndarray,
              height: np.ndarray, image_src_file: np.ndarray, image_src_line: np.ndarray,
              image_index: np.ndarray, label: np.ndarray, bbox: np.ndarray,
              attributes: dict[str, np.ndarray], src_file: np.ndarray, src_line: np.ndarray,
              src_index: np.ndarray) -> AnnotationTable:
    """A table of images and their box rows from whole columns (the compiled fast paths of
    per-image formats): what :class:`TableBuilder` builds from the same images added with
    ``add_image(name, name, ...)`` and their boxes with ``add_boxes``. Each image's key is its
    file name; ``attributes`` are the rows' columns (None where unset), each with a value."""
    m, n = len(file_name), len(label)

    def obj(values) -> np.ndarray:
        return np.asarray(values, dtype=object).reshape(len(values))

    images = ImageTable(
        key=obj(file_name), file_name=obj(file_name),
        width=np.asarray(width, dtype=np.float64).reshape(m),
        height=np.asarray(height, dtype=np.float64).reshape(m),
        src_file=np.asarray(image_src_file, dtype=np.int32).reshape(m),
        src_line=np.asarray(image_src_line, dtype=np.int32).reshape(m),
        src_index=np.full(m, -1, dtype=np.int64), attributes={}, annotator=None)
    return AnnotationTable(
        files=list(files),
        images=images,
        ann_id=constant(n),  # the columns no box format fills take no memory
        image_index=np.asarray(image_index, dtype=np.int64).reshape(n),
        label=obj(label),
        label_id=constant(n, -1, np.int64),
        shape=np.full(n, int(Shape.BOX), dtype=np.int8),
        bbox=np.asarray(bbox, dtype=np.float64).reshape(n, 4),
        rotation=np.zeros(n, dtype=np.float64),
        area=constant(n, np.nan, np.float64),
        iscrowd=np.zeros(n, dtype=bool),
        vertices=np.zeros((0, 2), dtype=np.float64),
        ring_offsets=np.zeros(1, dtype=np.int64),
        ann_ring_offsets=np.zeros(n + 1, dtype=np.int64),  # zeros: pages never touched
        kp=np.zeros((0, 3), dtype=np.float64),
        kp_offsets=np.zeros(n + 1, dtype=np.int64),
        rle=constant(n),
        text=constant(n),
        attributes={k: obj(attributes[k]) for k in sorted(attributes)},
        src_file=np.asarray(src_file, dtype=np.int32).reshape(n),
        src_line=np.asarray(src_line, dtype=np.int32).reshape(n),
        src_index=np.asarray(src_index, dtype=np.int64).reshape(n),
    )


def image_metadata(t: AnnotationTable, key: str) -> list | None:
    """Per image row: the value of metadata ``key`` (a store, a site, a region): the image
    attribute ``key``, else Label Studio task data ``data.<key>``; None where unset. None when
    no image carries either column."""
    attrs = t.images.attributes
    cols = [attrs[k] for k in (key, f"data.{key}") if k in attrs]
    if not cols:
        return None
    out = [None] * len(t.images)
    for col in reversed(cols):  # the image attribute wins over task data
        for i, v in enumerate(col.tolist()):
            if v is not None:
                out[i] = v
    return out


def empty_table() -> AnnotationTable:
    """A table with no files, images or annotations."""
    return TableBuilder().build()


def concat_tables(tables: list[AnnotationTable]) -> AnnotationTable:
    """One table from several (one per file or format); indexes are shifted to stay valid.

    Attribute columns missing from a part are ``None`` there. Declared categories are merged;
    on a clash the first table's entry is kept.
    """
    tables = [t for t in tables if t is not None]
    if not tables:
        return empty_table()
    if len(tables) == 1:
        return tables[0]
    files: list[SourceFile] = []
    file_shift, img_shift, vert_shift, ring_shift, kp_shift = [], [], [], [], []
    nf = ni = nv = nr = nk = 0
    for t in tables:
        file_shift.append(nf)
        img_shift.append(ni)
        vert_shift.append(nv)
        ring_shift.append(nr)
        kp_shift.append(nk)
        files.extend(t.files)
        nf += len(t.files)
        ni += len(t.images)
        nv += len(t.vertices)
        nr += len(t.ring_offsets) - 1
        nk += len(t.kp)

    def cat(get, dtype=None):
        parts = [get(t) for t in tables]
        out = np.concatenate(parts) if parts else np.empty(0)
        return out.astype(dtype, copy=False) if dtype is not None else out

    def obj_cat(get):
        parts = [get(t) for t in tables]
        return np.concatenate(parts) if parts else np.empty(0, dtype=object)

    def attr_cat(get_cols, get_len):
        names = sorted({n for t in tables for n in get_cols(t)})
        total = sum(get_len(t) for t in tables)
        out = {}
        for name in names:
            arr = np.full(total, None, dtype=object)
            pos = 0
            for t in tables:
                n = get_len(t)
                col = get_cols(t).get(name)
                if col is not None:
                    arr[pos:pos + n] = col
                pos += n
            out[name] = arr
        return out

    def shifted(get, shifts, keep_negative=True, dtype=np.int64):
        parts = []
        for t, s in zip(tables, shifts, strict=True):
            a = get(t).astype(dtype, copy=True)
            if keep_negative:
                a[a >= 0] += s
            else:
                a += s
            parts.append(a)
        return np.concatenate(parts).astype(dtype, copy=False)

    def offsets(get, shifts):
        parts = [np.zeros(1, dtype=np.int64)]
        for t, s in zip(tables, shifts, strict=True):
            parts.append(get(t)[1:].astype(np.int64) + s)
        return np.concatenate(parts)

    images = ImageTable(
        key=obj_cat(lambda t: t.images.key),
        file_name=obj_cat(lambda t: t.images.file_name),
        width=cat(lambda t: t.images.width, np.float64),
        height=cat(lambda t: t.images.height, np.float64),
        src_file=shifted(lambda t: t.images.src_file, file_shift, dtype=np.int32),
        src_line=cat(lambda t: t.images.src_line, np.int32),
        src_index=cat(lambda t: t.images.src_index, np.int64),
        attributes=attr_cat(lambda t: t.images.attributes, lambda t: len(t.images)),
        annotator=(obj_cat(lambda t: t.images.annotator if t.images.annotator is not None
                           else np.full(len(t.images), None, dtype=object))
                   if any(t.images.annotator is not None for t in tables) else None),
    )
    declared: dict[Any, dict] = {}
    for t in tables:
        for k, v in t.declared_categories.items():
            declared.setdefault(k, v)
    return AnnotationTable(
        files=files,
        images=images,
        ann_id=obj_cat(lambda t: t.ann_id),
        image_index=shifted(lambda t: t.image_index, img_shift),
        label=obj_cat(lambda t: t.label),
        label_id=cat(lambda t: t.label_id, np.int64),
        shape=cat(lambda t: t.shape, np.int8),
        bbox=np.concatenate([t.bbox for t in tables]).reshape(-1, 4),
        rotation=cat(lambda t: t.rotation, np.float64),
        area=cat(lambda t: t.area, np.float64),
        iscrowd=cat(lambda t: t.iscrowd, bool),
        vertices=np.concatenate([t.vertices for t in tables]).reshape(-1, 2),
        ring_offsets=offsets(lambda t: t.ring_offsets, vert_shift),
        ann_ring_offsets=offsets(lambda t: t.ann_ring_offsets, ring_shift),
        kp=np.concatenate([t.kp for t in tables]).reshape(-1, 3),
        kp_offsets=offsets(lambda t: t.kp_offsets, kp_shift),
        rle=obj_cat(lambda t: t.rle),
        text=obj_cat(lambda t: t.text),
        attributes=attr_cat(lambda t: t.attributes, len),
        src_file=shifted(lambda t: t.src_file, file_shift, dtype=np.int32),
        src_line=cat(lambda t: t.src_line, np.int32),
        src_index=cat(lambda t: t.src_index, np.int64),
        declared_categories=declared,
        instance_id=(cat(lambda t: t.instances, np.int64)
                     if any(t.instance_id is not None for t in tables) else None),
        score=(cat(lambda t: t.score if t.score is not None else np.full(len(t), np.nan),
                   np.float64) if any(t.score is not None for t in tables) else None),
    )


def select_images(t: AnnotationTable, keep: np.ndarray) -> AnnotationTable:
    """The table of the images ``keep`` marks (bool per image row) and their annotations, in
    their order; files, pointers and declared categories stay (guidec split's per-split
    deliveries)."""
    keep = np.asarray(keep, dtype=bool)
    imgs = np.flatnonzero(keep)
    new_index = np.full(len(t.images) + 1, -1, dtype=np.int64)
    new_index[imgs] = np.arange(len(imgs))
    img = np.asarray(t.image_index, dtype=np.int64)
    inside = img >= 0
    inside[inside] = keep[img[inside]]
    rows = np.flatnonzero(inside)

    def gather(offsets: np.ndarray, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions of the parts of ``sel`` in order, the new offsets)."""
        starts, ends = offsets[sel], offsets[sel + 1]
        counts = ends - starts
        new = np.zeros(len(sel) + 1, dtype=np.int64)
        np.cumsum(counts, out=new[1:])
        total = int(new[-1])
        pos = (np.repeat(starts - new[:-1], counts) + np.arange(total)) if total else \
            np.zeros(0, np.int64)
        return pos, new

    ring_pos, ann_ring_offsets = gather(t.ann_ring_offsets, rows)
    vert_pos, ring_offsets = gather(t.ring_offsets, ring_pos)
    kp_pos, kp_offsets = gather(t.kp_offsets, rows)
    im = t.images
    images = ImageTable(
        key=im.key[imgs], file_name=im.file_name[imgs], width=im.width[imgs],
        height=im.height[imgs], src_file=im.src_file[imgs], src_line=im.src_line[imgs],
        src_index=im.src_index[imgs],
        attributes={k: v[imgs] for k, v in im.attributes.items()},
        annotator=im.annotator[imgs] if im.annotator is not None else None)
    return AnnotationTable(
        files=list(t.files), images=images, ann_id=t.ann_id[rows],
        image_index=new_index[img[rows]], label=t.label[rows], label_id=t.label_id[rows],
        shape=t.shape[rows], bbox=t.bbox[rows].reshape(-1, 4), rotation=t.rotation[rows],
        area=t.area[rows], iscrowd=t.iscrowd[rows], vertices=t.vertices[vert_pos].reshape(-1, 2),
        ring_offsets=ring_offsets, ann_ring_offsets=ann_ring_offsets,
        kp=t.kp[kp_pos].reshape(-1, 3), kp_offsets=kp_offsets, rle=t.rle[rows],
        text=t.text[rows], attributes={k: v[rows] for k, v in t.attributes.items()},
        src_file=t.src_file[rows], src_line=t.src_line[rows], src_index=t.src_index[rows],
        declared_categories=dict(t.declared_categories),
        instance_id=t.instance_id[rows] if t.instance_id is not None else None,
        score=t.score[rows] if t.score is not None else None)
