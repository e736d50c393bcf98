"""Semantic / panoptic label maps delivered as PNG (as Cityscapes and Pascal VOC ship them).

Each PNG is one image's label map. Grey and palette PNGs hold a class value per pixel
(``label_id`` = the value; with a spec, ``label`` = the class whose ``id`` is that value).
Instance-id maps (16-bit grey, or a name ending in ``_instanceIds``) follow Cityscapes:
a value of 1000 or more is ``class id * 1000 + instance``, one row per instance with
``instance_id`` (and ``ann_id``) = the value; a smaller value is a class-level region;
RGB(A) PNGs hold a colour per pixel (``label`` = the class of that colour in the spec, or
the colour itself, ``#rrggbb``, when no class has it, so the rules report it as unknown;
with a spec, value 0 and black are background (no row) unless a class has them). Every distinct value becomes one MASK row with its
COCO RLE, box and pixel area, so the rules check classes, sizes and instances like any other
mask. The image of a mask is found by stem in ``image_root``, or in the sibling folder
(``SegmentationClass``/``SegmentationObject`` -> ``JPEGImages``, ``masks``/``labels`` ->
``images``); its size comes from its header and the image row carries it, so a label map of
another size is visible as an RLE size mismatch. COCO panoptic PNGs are read by the COCO
reader through their JSON (``segments_info``).
"""

from __future__ import annotations

import os

import numpy as np

from guidec import masks
from guidec.imagesize import size_of_file
from guidec.readers import Reader
from guidec.readers import png as pngmod
from guidec.readers._codes import V018, V019
from guidec.readers._common import read_bytes, read_each
from guidec.table import AnnotationTable, Shape, TableBuilder

NAME = "mask"
IMAGE_EXT = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")
_SIBLINGS = {"SegmentationClass": "JPEGImages", "SegmentationObject": "JPEGImages",
             "SegmentationClassAug": "JPEGImages", "masks": "images", "labels": "images",
             "annotations": "images", "gtFine": "leftImg8bit", "gtCoarse": "leftImg8bit"}


def _detect(path: str, head: bytes, is_dir: bool) -> bool:
    return not is_dir and head.startswith(pngmod.SIGNATURE)


def read(paths: list[str], ctx) -> AnnotationTable:
    return read_each(paths, ".png", read_file, ctx)


def _image_for(mask_path: str, ctx) -> str | None:
    stem = os.path.splitext(os.path.basename(mask_path))[0]
    stems = [stem]
    for suffix in ("_gtFine_labelIds", "_gtFine_color", "_gtFine_instanceIds", "_mask"):
        if stem.endswith(suffix):
            stems.append(stem[: -len(suffix)] + ("_leftImg8bit" if "gtFine" in suffix else ""))
    dirs = []
    if ctx.image_root:
        dirs.append(ctx.image_root)
    d = os.path.dirname(mask_path)
    parts = d.split(os.sep)
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in _SIBLINGS:
            dirs.append(os.sep.join([*parts[:i], _SIBLINGS[parts[i]], *parts[i + 1:]]))
            break
    for dd in dirs:
        for s in stems:
            for ext in IMAGE_EXT:
                cand = os.path.join(dd, s + ext)
                if os.path.isfile(cand) and os.path.abspath(cand) != os.path.abspath(mask_path):
                    return cand
    return None


def _class_maps(project):
    by_value, by_color = {}, {}
    if project is not None:
        for c in project.classes:
            by_value.setdefault(c.id, c.name)
            by_color.setdefault(c.color.lower(), c.name)
    return by_value, by_color


def read_file(path: str, ctx, b: TableBuilder) -> None:
    fi = b.add_file(path, NAME)
    data = read_bytes(path, ctx)
    if data is None:
        return
    try:
        png = pngmod.decode(data)
    except pngmod.PngError as exc:
        ctx.report(V018(str(exc), file=path))
        return
    img_path = _image_for(path, ctx)
    size = size_of_file(img_path) if img_path else None
    if img_path is None:
        ctx.report(V019("no image with the same name for this label map (give --images); "
                        "its own size is used", file=path))
        size = (png.width, png.height)
    elif size is None:
        size = (png.width, png.height)
    stem = os.path.splitext(os.path.basename(path))[0]
    img = b.add_image(stem, img_path or path, size[0], size[1], src_file=fi)
    by_value, by_color = _class_maps(ctx.project)
    pix = png.pixels
    if pix.ndim == 3:  # colour label map
        rgb = pix[:, :, :3].astype(np.uint32)
        keys = (rgb[:, :, 0] << 16) | (rgb[:, :, 1] << 8) | rgb[:, :, 2]
    else:
        keys = pix.astype(np.uint32)
    values, inverse = np.unique(keys.ravel(), return_inverse=True)
    inverse = inverse.reshape(keys.shape)
    instance_map = pix.ndim == 2 and (pix.dtype == np.uint16 or stem.endswith("_instanceIds"))
    background = 0  # value 0 / black: background, unless the spec has a class for it
    for k, v in enumerate(values.tolist()):
        if v == background and ctx.project is not None and (
                (pix.ndim == 3 and "#000000" not in by_color)
                or (pix.ndim == 2 and 0 not in by_value)):
            continue
        m = inverse == k
        ys, xs = np.nonzero(m)
        bbox = (float(xs.min()), float(ys.min()), float(xs.max() - xs.min() + 1),
                float(ys.max() - ys.min() + 1))
        if pix.ndim == 3:  # the colour is the class: unknown colours stay visible as labels
            color = f"#{v:06x}"
            # black is background by convention (value 0 in grey maps) unless a class has it
            label = by_color.get(color, None if color == "#000000" else color)
            label_id = -1
        else:
            label_id = v // 1000 if instance_map and v >= 1000 else v
            label = by_value.get(label_id)
        instance = v if instance_map and v >= 1000 else -1
        b.add_annotation(image_index=img, shape=Shape.MASK, label=label, label_id=label_id,
                         ann_id=instance if instance >= 0 else None, instance_id=instance,
                         bbox=bbox, area=float(m.sum()), rle=masks.encode(m), src_file=fi)


READER = Reader(
    name=NAME,
    description="PNG label maps (grey/palette class ids or RGB colours per pixel)",
    detect=_detect,
    read=read,
    extensions=(".png",),
)
