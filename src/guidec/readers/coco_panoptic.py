"""COCO panoptic: a JSON file whose annotations carry ``segments_info``, beside a folder of PNGs
(``<json stem>/<file_name>``) whose pixels encode segment ids. The COCO reader hands such a
document here."""

from __future__ import annotations

import numpy as np

from guidec.codes import code
from guidec.readers._codes import V007, V008
from guidec.readers.coco import NAME
from guidec.table import AnnotationTable, Shape

V021 = code("V021")


def read_panoptic(anns, images, key_to_row, declared, path, ctx) -> AnnotationTable:
    """COCO panoptic: each annotation names a PNG (``<json stem>/<file_name>``) whose pixels
    encode segment ids as R + 256 G + 256^2 B; ``segments_info`` gives each id's category.
    One MASK row per segment; a segment of a category the file marks ``isthing: 1`` carries
    its id as ``instance_id``. A segment id is the colour of its pixels, so it is unique within
    its image, not the file: a row's id is ``<image id>/<segment id>``. The PNG is looked for
    in ``<json stem>/`` and beside the JSON; one that is missing is a finding on its image
    (V018), and the other images are read."""
    import os

    from guidec import masks
    from guidec.readers import png as pngmod
    from guidec.readers._codes import V018
    from guidec.readers._common import read_bytes
    from guidec.table import TableBuilder

    b = TableBuilder()
    fi = b.add_file(path, NAME, "/annotations/{}", "/images/{}")
    for i in range(len(images)):
        b.add_image(images.key[i], images.file_name[i],
                    None if np.isnan(images.width[i]) else images.width[i],
                    None if np.isnan(images.height[i]) else images.height[i],
                    src_file=fi, src_index=i)
    b.declared_categories.update(declared)
    folders = [os.path.splitext(path)[0], os.path.dirname(os.path.abspath(path))]
    for ai, a in enumerate(anns):
        where = ("annotations", ai)
        if not isinstance(a, dict) or not isinstance(a.get("segments_info"), list):
            ctx.report(V008("a panoptic annotation needs a 'segments_info' list", file=path,
                            path=where))
            continue
        img = key_to_row.get(a.get("image_id"), -1)
        ids = None
        fn = a.get("file_name")
        if isinstance(fn, str):
            cands = [os.path.join(folder, fn) for folder in folders]
            png_path = next((c for c in cands if os.path.isfile(c)), None)
            raw = read_bytes(png_path, ctx) if png_path is not None else None
            if png_path is None:
                ctx.report(V018(f"panoptic PNG {fn!r} of image {a.get('image_id')!r} is not "
                                f"in {folders[0]}/ nor beside the JSON; its segments are read "
                                "without pixels", file=path, path=(*where, "file_name")))
            if raw is not None:
                try:
                    p = pngmod.decode(raw)
                    if p.pixels.ndim == 3:
                        px = p.pixels[:, :, :3].astype(np.uint32)
                        ids = px[:, :, 0] + (px[:, :, 1] << 8) + (px[:, :, 2] << 16)
                    else:
                        ids = p.pixels.astype(np.uint32)
                except pngmod.PngError as exc:
                    ctx.report(V018(str(exc), file=png_path))
        else:
            ctx.report(V007("panoptic annotation has no 'file_name'", file=path, path=where))
        seen = set()
        for si, seg in enumerate(a["segments_info"]):
            swhere = (*where, "segments_info", si)
            if not isinstance(seg, dict) or "id" not in seg or "category_id" not in seg:
                ctx.report(V007("segment needs 'id' and 'category_id'", file=path,
                                path=swhere))
                continue
            sid, cid = seg["id"], seg["category_id"]
            rle = bbox = None
            if ids is not None and type(sid) is int:
                m = ids == sid
                seen.add(sid)
                if m.any():
                    rle = masks.encode(m)
                else:
                    ctx.report(V021(f"segment {sid} has no pixels in {fn}", file=path,
                                    path=swhere))
            bb = seg.get("bbox")
            if isinstance(bb, list) and len(bb) == 4 and all(type(v) in (int, float)
                                                             for v in bb):
                bbox = bb
            area = seg.get("area") if type(seg.get("area")) in (int, float) else None
            thing = declared.get(cid, {}).get("isthing") == 1 if type(cid) is int else False
            b.add_annotation(image_index=img, shape=Shape.MASK,
                             ann_id=f"{a.get('image_id')}/{sid}",
                             instance_id=sid if thing and type(sid) is int and 0 <= sid < 2**62
                             else -1,
                             label=declared.get(cid, {}).get("name") if type(cid) is int
                             else None, label_id=cid if type(cid) is int else -1,
                             bbox=bbox, area=area, iscrowd=seg.get("iscrowd") == 1, rle=rle,
                             src_file=fi, pointer="/" + "/".join(str(x) for x in swhere))
        if ids is not None:
            extra = sorted(set(np.unique(ids).tolist()) - seen - {0})
            if extra:
                ctx.report(V021(f"{fn} has pixels of segment ids {extra[:10]} that "
                                "segments_info does not list", file=path, path=where))
    return b.build()
