"""Benchmark: `guidec validate` of many-file deliveries beside their bare parse (the floor).

    python benchmarks/bench_formats.py voc [--images 50000] [--objects 8] [--repeat 3]
    python benchmarks/bench_formats.py yolo | yolo-seg
    python benchmarks/bench_formats.py cvat
    python benchmarks/bench_formats.py label-studio [--images 50000] [--read-only]
      (--images 225000: a ~1.2 GB export, for peak memory)

Generates (once, into ``--cache``, default /tmp/guidec-bench-formats) a delivery of
``--images`` images with ``--objects`` objects each on average (deterministic), a spec of 20
classes, and measures in separate processes, median of ``--repeat``:

* the floor: for VOC, every file read and parsed by expat with no handler; for YOLO, every
  label file read and its numbers parsed by numpy (``np.array(data.split(), float)``) plus
  each image's size read from its header (what any YOLO reader must do);
* ``guidec validate --spec SPEC DELIVERY`` as a whole process, with ``--jobs 1`` and, when
  the option exists, ``--jobs 2``;
* ``panlabel validate`` when installed (``pip install panlabel``).

A ``cvat`` delivery is one CVAT for images 1.1 ``annotations.xml`` (see
:func:`generate_cvat`); its floor is the whole file parsed by expat with no handler, and
panlabel reads its boxes only (it skips the polygons).

YOLO segment deliveries have 60 % polygons of 8-24 vertices. Peak memory is the process's
maximum RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import struct
import subprocess
import sys
import time
import zlib

CLASSES = [f"class_{i:02d}" for i in range(20)]
SIZES = [(640, 480), (640, 427), (480, 640), (500, 375), (1280, 720)]

SPEC = """guidec: 1
project: {{id: bench-formats, title: Bench formats, version: 1.0.0}}
classes:
{classes}
"""

FLOOR_VOC = r"""
import os, sys, time
from xml.parsers import expat
t0 = time.perf_counter()
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(".xml"):
            with open(os.path.join(root, f), "rb") as fh:
                p = expat.ParserCreate()
                p.Parse(fh.read(), True)
                n += 1
print(time.perf_counter() - t0, n)
"""

FLOOR_YOLO = r"""
import os, struct, sys, time
import numpy as np
t0 = time.perf_counter()
n = 0
root = sys.argv[1]
labels = os.path.join(root, "labels")
images = os.path.join(root, "images")
for f in sorted(os.listdir(labels)):
    with open(os.path.join(labels, f), "rb") as fh:
        data = fh.read()
    values = np.array(data.split(), dtype=np.float64)
    with open(os.path.join(images, f[:-4] + ".png"), "rb") as fh:
        w, h = struct.unpack(">II", fh.read(24)[16:24])
    n += 1
print(time.perf_counter() - t0, n)
"""


def _png_header(w: int, h: int) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(
            ">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * (w + 1))) + chunk(b"IEND", b""))


def generate(kind: str, folder: str, n_images: int, per_image: int) -> None:
    rnd = random.Random(20261205)
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with open(os.path.join(tmp, "spec.yaml"), "w") as fh:
        fh.write(SPEC.format(classes="".join(
            f"  - {{id: {i + 1}, name: {c}, shapes: [box, polygon]}}\n"
            for i, c in enumerate(CLASSES))))
    if kind == "voc":
        ann = os.path.join(tmp, "Annotations")
        os.makedirs(ann)
        for i in range(n_images):
            w, h = rnd.choice(SIZES)
            objs = []
            for _ in range(rnd.randint(per_image // 2, per_image * 3 // 2)):
                x0, y0 = rnd.randint(1, w - 40), rnd.randint(1, h - 40)
                x1, y1 = rnd.randint(x0 + 8, min(w, x0 + 300)), rnd.randint(y0 + 8,
                                                                             min(h, y0 + 300))
                objs.append(f"  <object>\n    <name>{rnd.choice(CLASSES)}</name>\n"
                            f"    <pose>Unspecified</pose>\n    <truncated>0</truncated>\n"
                            f"    <difficult>0</difficult>\n    <bndbox>\n"
                            f"      <xmin>{x0}</xmin>\n      <ymin>{y0}</ymin>\n"
                            f"      <xmax>{x1}</xmax>\n      <ymax>{y1}</ymax>\n"
                            f"    </bndbox>\n  </object>\n")
            with open(os.path.join(ann, f"{i:06d}.xml"), "w") as fh:
                fh.write(f"<annotation>\n  <folder>VOC</folder>\n  <filename>{i:06d}.jpg"
                         f"</filename>\n  <size>\n    <width>{w}</width>\n    <height>{h}"
                         f"</height>\n    <depth>3</depth>\n  </size>\n  <segmented>0"
                         f"</segmented>\n{''.join(objs)}</annotation>\n")
    else:
        seg = kind == "yolo-seg"
        labels, images = os.path.join(tmp, "labels"), os.path.join(tmp, "images")
        os.makedirs(labels)
        os.makedirs(images)
        with open(os.path.join(tmp, "data.yaml"), "w") as fh:
            fh.write("names:\n" + "".join(f"  {i}: {c}\n" for i, c in enumerate(CLASSES)))
        headers = {s: _png_header(*s) for s in SIZES}
        for i in range(n_images):
            w, h = rnd.choice(SIZES)
            rows = []
            for _ in range(rnd.randint(per_image // 2, per_image * 3 // 2)):
                c = rnd.randrange(len(CLASSES))
                cx, cy = rnd.uniform(0.2, 0.8), rnd.uniform(0.2, 0.8)
                bw, bh = rnd.uniform(0.02, 0.3), rnd.uniform(0.02, 0.3)
                if seg and rnd.random() < 0.6:
                    k = rnd.randint(8, 24)
                    pts = []
                    for j in range(k):  # a star-free convex-ish ring around the centre
                        import math

                        a = 2 * math.pi * j / k
                        pts += [cx + bw / 2 * math.cos(a), cy + bh / 2 * math.sin(a)]
                    rows.append(f"{c} " + " ".join(f"{v:.6f}" for v in pts))
                else:
                    rows.append(f"{c} {cx:.6f} {cy:.6f} {bw:.6f} {bh:.6f}")
            with open(os.path.join(labels, f"{i:06d}.txt"), "w") as fh:
                fh.write("\n".join(rows) + "\n")
            with open(os.path.join(images, f"{i:06d}.png"), "wb") as fh:
                fh.write(headers[(w, h)])
    os.rename(tmp, folder)


FLOOR_JSON = r"""
import gc, sys, time
import orjson
if sys.argv[2:] != ["gc"]:
    gc.disable()  # the strict floor: the collector scanning millions of new lists is not parsing
t0 = time.perf_counter()
with open(sys.argv[1], "rb") as fh:
    doc = orjson.loads(fh.read())
print(time.perf_counter() - t0, len(doc))
"""


def generate_label_studio(folder: str, n_tasks: int, per_task: int) -> None:
    """A Label Studio JSON export (``export.json``) as Label Studio 1.x writes one: ``n_tasks``
    tasks with one annotation each and ``per_task`` results on average, 60 % polygons of 8-24
    points, the rest boxes, in percent of ``original_width``/``original_height`` written with
    Python's shortest round-trip digits (what Label Studio's frontend sends), plus a spec.
    Written task by task, so a file larger than memory can be made. ``export-boxes.json``
    holds the same tasks with each polygon replaced by its bounding rectangle, for readers
    that take rectangles only (panlabel)."""
    import math

    import orjson

    rnd = random.Random(20261205)
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with open(os.path.join(tmp, "spec.yaml"), "w") as fh:
        fh.write(SPEC.format(classes="".join(
            f"  - {{id: {i + 1}, name: {c}, shapes: [box, polygon]}}\n"
            for i, c in enumerate(CLASSES))))
    stamp = "2026-12-05T10:00:00.000000Z"
    with open(os.path.join(tmp, "export.json"), "wb") as fh, \
            open(os.path.join(tmp, "export-boxes.json"), "wb") as boxes:
        fh.write(b"[")
        boxes.write(b"[")
        rid = 0
        for t in range(n_tasks):
            w, h = rnd.choice(SIZES)
            results = []
            for _ in range(rnd.randint(per_task // 2, per_task * 3 // 2)):
                rid += 1
                cls = rnd.choice(CLASSES)
                cx, cy = rnd.uniform(20, 80), rnd.uniform(20, 80)
                bw, bh = rnd.uniform(2, 30), rnd.uniform(2, 30)
                common = {"original_width": w, "original_height": h, "image_rotation": 0}
                if rnd.random() < 0.6:
                    k = rnd.randint(8, 24)
                    pts = [[cx + bw / 2 * math.cos(2 * math.pi * j / k),
                            cy + bh / 2 * math.sin(2 * math.pi * j / k)] for j in range(k)]
                    value = {"points": pts, "closed": True, "polygonlabels": [cls]}
                    kind, control = "polygonlabels", "polygon"
                else:
                    value = {"x": cx - bw / 2, "y": cy - bh / 2, "width": bw, "height": bh,
                             "rotation": 0, "rectanglelabels": [cls]}
                    kind, control = "rectanglelabels", "box"
                results.append({**common, "value": value, "id": f"r{rid:08x}",
                                "from_name": control, "to_name": "image", "type": kind,
                                "origin": "manual"})
            task = {"id": t + 1, "annotations": [{
                "id": t + 1, "completed_by": 1, "result": results, "was_cancelled": False,
                "ground_truth": False, "created_at": stamp, "updated_at": stamp,
                "lead_time": round(rnd.uniform(5, 300), 3), "prediction": {},
                "result_count": 0, "task": t + 1, "parent_prediction": None,
                "parent_annotation": None}],
                "file_upload": "export.json", "drafts": [], "predictions": [],
                "data": {"image": f"/data/upload/1/{t:07d}.jpg"}, "meta": {},
                "created_at": stamp, "updated_at": stamp, "inner_id": t + 1,
                "total_annotations": 1, "cancelled_annotations": 0, "total_predictions": 0,
                "project": 1, "updated_by": 1}
            fh.write((b"," if t else b"") + orjson.dumps(task))
            task["annotations"][0]["result"] = [_as_box(r) for r in results]
            boxes.write((b"," if t else b"") + orjson.dumps(task))
        fh.write(b"]\n")
        boxes.write(b"]\n")
    os.rename(tmp, folder)


FLOOR_CVAT = r"""
import sys, time
from xml.parsers import expat
t0 = time.perf_counter()
with open(sys.argv[1], "rb") as fh:
    expat.ParserCreate().Parse(fh.read(), True)
print(time.perf_counter() - t0, 1)
"""


def _cvat_spec() -> str:
    """The classes of every kind, with the two attributes the CVAT delivery sets."""
    return SPEC.format(classes="".join(
        f"  - {{id: {i + 1}, name: {c}, shapes: [box, polygon], attributes: [quality, note]}}\n"
        for i, c in enumerate(CLASSES))) + (
        "attributes:\n  quality: {type: enum, values: [good, bad]}\n  note: {type: text}\n")


def generate_cvat(folder: str, n_images: int, per_image: int) -> None:
    """One CVAT for images 1.1 ``annotations.xml``: ``n_images`` images with ``per_image``
    shapes each on average, 60 % polygons of 8-24 vertices, the rest boxes; a quarter of the
    shapes with one or two ``<attribute>`` children; coordinates written as CVAT does
    (``%.2f``). Deterministic."""
    import math

    rnd = random.Random(20261205)
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with open(os.path.join(tmp, "spec.yaml"), "w") as fh:
        fh.write(_cvat_spec())
    labels = "".join(
        f"      <label>\n        <name>{c}</name>\n        <color>#{i * 12:02x}80c0</color>\n"
        f"        <type>any</type>\n        <attributes>\n          <attribute>\n"
        f"            <name>quality</name>\n            <mutable>False</mutable>\n"
        f"            <input_type>select</input_type>\n"
        f"            <default_value>good</default_value>\n"
        f"            <values>good\nbad</values>\n          </attribute>\n"
        f"        </attributes>\n      </label>\n" for i, c in enumerate(CLASSES))
    head = ('<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n'
            "  <version>1.1</version>\n  <meta>\n    <task>\n      <id>1</id>\n"
            "      <name>bench</name>\n      <size>" + str(n_images) + "</size>\n"
            "      <mode>annotation</mode>\n      <labels>\n" + labels +
            "      </labels>\n    </task>\n"
            "    <dumped>2026-12-05 00:00:00.000000+00:00</dumped>\n  </meta>\n")
    # the same delivery without its polygons, for readers of CVAT boxes only (panlabel)
    with (open(os.path.join(tmp, "annotations.xml"), "w") as fh,
          open(os.path.join(tmp, "boxes.xml"), "w") as boxes_fh):
        fh.write(head)
        boxes_fh.write(head)
        for i in range(n_images):
            w, h = rnd.choice(SIZES)
            out = [f'  <image id="{i}" name="{i:06d}.jpg" width="{w}" height="{h}">\n']
            box_out = out[:]
            for _ in range(rnd.randint(per_image // 2, per_image * 3 // 2)):
                c = rnd.choice(CLASSES)
                cx, cy = rnd.uniform(0.2, 0.8) * w, rnd.uniform(0.2, 0.8) * h
                bw, bh = rnd.uniform(0.02, 0.3) * w, rnd.uniform(0.02, 0.3) * h
                occ = rnd.random() < 0.1
                head = f'label="{c}" source="manual" occluded="{int(occ)}"'
                attrs = ""
                if rnd.random() < 0.25:
                    attrs = ''.join(f'      <attribute name="{n}">{v}</attribute>\n'
                                    for n, v in [("quality", rnd.choice(("good", "bad"))),
                                                 ("note", "checked")][:rnd.randint(1, 2)])
                if rnd.random() < 0.6:
                    k = rnd.randint(8, 24)
                    pts = ";".join(
                        f"{cx + bw / 2 * math.cos(2 * math.pi * j / k):.2f},"
                        f"{cy + bh / 2 * math.sin(2 * math.pi * j / k):.2f}" for j in range(k))
                    body = f'<polygon {head} points="{pts}" z_order="0"'
                else:
                    body = (f'<box {head} xtl="{cx - bw / 2:.2f}" ytl="{cy - bh / 2:.2f}" '
                            f'xbr="{cx + bw / 2:.2f}" ybr="{cy + bh / 2:.2f}" z_order="0"')
                tag = body[1:body.index(" ")]
                out.append(f"    {body}>\n{attrs}    </{tag}>\n" if attrs
                           else f"    {body}>\n    </{tag}>\n")
                if tag == "box":
                    box_out.append(out[-1])
            out.append("  </image>\n")
            box_out.append(out[-1])
            fh.write("".join(out))
            boxes_fh.write("".join(box_out))
        fh.write("</annotations>\n")
        boxes_fh.write("</annotations>\n")
    os.rename(tmp, folder)


#: CPU seconds (user + system) of every run of each command: on a shared machine the wall
#: time follows the load, the CPU time much less
CPU: dict[tuple, list[float]] = {}


def cpu_line(named: list[tuple[str, list[str]]]) -> str:
    """Median CPU seconds of the commands run so far, each against the first."""
    cpus = [statistics.median(CPU[tuple(cmd)]) for _, cmd in named]
    return "CPU seconds (median): " + ", ".join(
        f"{label} {c:.2f}" + (f" = {c / cpus[0]:.2f}x" if i else "")
        for i, ((label, _), c) in enumerate(zip(named, cpus, strict=True)))


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    CPU.setdefault(tuple(cmd), []).append(usage.ru_utime + usage.ru_stime)
    err = p.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed with exit {code}: {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out


def median(n: int, cmd: list[str]) -> tuple[float, float, list[float], str]:
    runs = [run(cmd) for _ in range(n)]
    walls = sorted(r[0] for r in runs)
    mid = statistics.median_low(walls)
    r = next(r for r in runs if r[0] == mid)
    return r[0], r[1], walls, r[2]


def _as_box(r: dict) -> dict:
    """A polygon result as the rectangle around its points; other results unchanged."""
    if r["type"] != "polygonlabels":
        return r
    v = r["value"]
    xs, ys = [p[0] for p in v["points"]], [p[1] for p in v["points"]]
    box = {"x": min(xs), "y": min(ys), "width": max(xs) - min(xs), "height": max(ys) - min(ys),
           "rotation": 0, "rectanglelabels": v["polygonlabels"]}
    return {**r, "value": box, "from_name": "box", "type": "rectanglelabels"}


def _measure(n: int, cmd: list[str]) -> tuple[float, float, float, str]:
    """(median wall s, median CPU s of the process, its peak RSS MiB, stdout) of n runs: on a
    shared machine the CPU time is the steadier figure."""
    runs = []
    for _ in range(n):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out = p.stdout.read().decode()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        err = p.stderr.read().decode()
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"{cmd[:4]} failed: {err[-2000:]}")
        runs.append((wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out))
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    return wall, cpu, max(r[2] for r in runs), runs[-1][3]


def bench_label_studio(a) -> int:
    """One Label Studio JSON export: the floor is ``orjson.loads`` of the file (collector off,
    the strict floor); guidec validate with 1 and 2 jobs; then the same tasks with polygons as
    rectangles for panlabel, which reads rectangles only. Wall and CPU times, medians."""
    folder = os.path.join(a.cache, f"label-studio-{a.images}-{a.objects}")
    if not os.path.isdir(folder):
        t0 = time.perf_counter()
        generate_label_studio(folder, a.images, a.objects)
        print(f"generated {folder} in {time.perf_counter() - t0:.0f} s")
    export, spec = os.path.join(folder, "export.json"), os.path.join(folder, "spec.yaml")
    boxes = os.path.join(folder, "export-boxes.json")
    py = sys.executable
    if not os.path.exists(boxes):  # a cache from before the boxes file: made in a child,
        subprocess.run([py, "-c", BOXES_ONLY, export, boxes,  # not in this process
                        os.path.dirname(os.path.abspath(__file__))], check=True)
    print(f"label-studio: {a.images:,} tasks, ~{a.objects} results each, "
          f"{os.path.getsize(export) / 2**20:,.0f} MiB; python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")

    def line(label: str, cmd: list[str], floor: tuple | None) -> tuple:
        wall, cpu, rss, out = _measure(a.repeat, cmd)
        ratio = (f" = {wall / floor[0]:.2f}x wall, {cpu / floor[1]:.2f}x CPU" if floor
                 else "")
        print(f"{label + ':':<34}{wall:6.2f} s  CPU {cpu:6.2f} s  peak {rss:6.0f} MiB{ratio}")
        last = out.strip().splitlines()[-1] if out.strip() else ""
        if last and floor:
            print(f"    {last}")
        return wall, cpu

    def guidec(path: str, jobs: int) -> list[str]:
        return [py, "-m", "guidec", "validate", "--spec", spec, path, "--format", "summary",
                "--input-format", "label_studio", "--jobs", str(jobs)]

    floor = line("floor: orjson.loads, gc off", [py, "-c", FLOOR_JSON, export], None)
    line("orjson.loads, gc on", [py, "-c", FLOOR_JSON, export, "gc"], None)
    for jobs in (1, 2):
        line(f"guidec validate --jobs {jobs}", guidec(export, jobs), floor)
    if a.read_only:  # the reader alone, no rules: what streaming costs in memory
        line("guidec read (no rules)", [py, "-c", READ_LS, export], floor)
    # panlabel reads rectangles only (it stops at the first polygon): both on the boxes file,
    # where each polygon is its bounding rectangle
    print(f"the same tasks, polygons as their rectangles: "
          f"{os.path.getsize(boxes) / 2**20:,.0f} MiB")
    floor = line("floor: orjson.loads, gc off", [py, "-c", FLOOR_JSON, boxes], None)
    line("guidec validate --jobs 1", guidec(boxes, 1), floor)
    exe = shutil.which("panlabel") or os.path.join(os.path.dirname(py), "panlabel")
    if os.path.exists(exe):
        line("panlabel validate", [exe, "validate", "--format", "label-studio", boxes], floor)
    else:
        print("panlabel: not installed (pip install panlabel)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


BOXES_ONLY = r"""
import sys
import orjson
sys.path.insert(0, sys.argv[3])
from bench_formats import _as_box
with open(sys.argv[1], "rb") as fh:
    doc = orjson.loads(fh.read())
for task in doc:
    for ann in task["annotations"]:
        ann["result"] = [_as_box(r) for r in ann["result"]]
with open(sys.argv[2], "wb") as fh:
    fh.write(orjson.dumps(doc))
"""

READ_LS = r"""
import sys
from guidec.readers import read_delivery
r = read_delivery([sys.argv[1]], "label_studio")
print(len(r.table), "rows", len(r.diagnostics), "findings")
"""


def _compile_guidec() -> None:
    """Write guidec's bytecode once before timing: an installed package has it, but a shell
    with PYTHONDONTWRITEBYTECODE=1 (as on our build machine) would otherwise make every timed
    process compile guidec's sources again (0.1-0.2 s each)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("guidec")
    if spec is not None and spec.submodule_search_locations:
        compileall.compile_dir(next(iter(spec.submodule_search_locations)), quiet=1)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("kind", choices=["voc", "yolo", "yolo-seg", "cvat", "label-studio"])
    p.add_argument("--images", type=int, default=50_000)
    p.add_argument("--objects", type=int, default=8)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cache", default="/tmp/guidec-bench-formats")
    p.add_argument("--read-only", action="store_true",
                   help="label-studio: also time the reader alone (no rules)")
    a = p.parse_args(argv)
    _compile_guidec()
    if a.kind == "label-studio":
        return bench_label_studio(a)
    folder = os.path.join(a.cache, f"{a.kind}-{a.images}-{a.objects}")
    if not os.path.isdir(folder):
        t0 = time.perf_counter()
        if a.kind == "cvat":
            generate_cvat(folder, a.images, a.objects)
        else:
            generate(a.kind, folder, a.images, a.objects)
        print(f"generated {folder} in {time.perf_counter() - t0:.0f} s")
    delivery = os.path.join(folder, "Annotations") if a.kind == "voc" else folder
    if a.kind == "cvat":
        delivery = os.path.join(folder, "annotations.xml")
    spec = os.path.join(folder, "spec.yaml")
    py = sys.executable
    print(f"{a.kind}: {a.images:,} images, ~{a.objects} objects each; python "
          f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}")
    floor_code = FLOOR_VOC if a.kind == "voc" else FLOOR_YOLO
    if a.kind == "cvat":
        floor_code = FLOOR_CVAT
    wall, rss, walls, out = median(a.repeat, [py, "-c", floor_code, delivery])
    floor = wall
    print(f"floor (bare parse, process):     {wall:6.2f} s  peak {rss:6.0f} MiB  "
          f"(runs {', '.join(f'{w:.2f}' for w in walls)})")
    base = [py, "-m", "guidec", "validate", "--spec", spec, delivery, "--format", "summary"]
    if a.kind in ("yolo", "yolo-seg"):
        base += ["--input-format", "yolo"]
    help_text = subprocess.run([py, "-m", "guidec", "validate", "--help"],
                               capture_output=True, text=True).stdout
    variants = [("guidec validate", base)]
    if "--jobs" in help_text:
        variants = [("guidec validate --jobs 1", [*base, "--jobs", "1"]),
                    ("guidec validate --jobs 2", [*base, "--jobs", "2"])]
    for label, cmd in variants:
        wall, rss, walls, out = median(a.repeat, cmd)
        print(f"{label + ':':<33}{wall:6.2f} s  peak {rss:6.0f} MiB  = {wall / floor:.2f}x "
              f"the floor  (runs {', '.join(f'{w:.2f}' for w in walls)})")
        print(f"    {out.strip().splitlines()[-1] if out.strip() else ''}")
    exe = shutil.which("panlabel") or os.path.join(os.path.dirname(py), "panlabel")
    if a.kind == "cvat":  # panlabel refuses a CVAT file with polygons: both read the boxes
        delivery = os.path.join(folder, "boxes.xml")
        floor, rss, walls, _ = median(a.repeat, [py, "-c", floor_code, delivery])
        print(f"{'boxes only: floor:':<33}{floor:6.2f} s  peak {rss:6.0f} MiB")
        cmd = [*base[:-3], delivery, "--format", "summary", "--jobs", "1"]
        wall, rss, walls, out = median(a.repeat, cmd)
        print(f"{'boxes only: guidec --jobs 1:':<33}{wall:6.2f} s  peak {rss:6.0f} MiB  = "
              f"{wall / floor:.2f}x the floor  (runs {', '.join(f'{w:.2f}' for w in walls)})")
    if os.path.exists(exe):
        fmt = "voc" if a.kind == "voc" else "yolo"
        if a.kind == "cvat":
            fmt = "cvat"  # panlabel reads CVAT boxes only: its polygons are not checked
        wall, rss, walls, _ = median(a.repeat, [exe, "validate", "--format", fmt, delivery])
        print(f"{'panlabel validate:':<33}{wall:6.2f} s  peak {rss:6.0f} MiB  = "
              f"{wall / floor:.2f}x the floor")
    else:
        print("panlabel: not installed (pip install panlabel)")
    if a.kind == "cvat":
        full = os.path.join(folder, "annotations.xml")
        print(cpu_line([("floor", [py, "-c", floor_code, full]),
                        *[(label, cmd) for label, cmd in variants]]))
        named = [("boxes floor", [py, "-c", floor_code, delivery]),
                 ("guidec --jobs 1", [*base[:-3], delivery, "--format", "summary", "--jobs",
                                      "1"])]
        if os.path.exists(exe):
            named.append(("panlabel", [exe, "validate", "--format", "cvat", delivery]))
        print(cpu_line(named))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
