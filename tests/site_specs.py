"""Generated specs for the playbook site's property tests and benchmark (not a test module)."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

import yaml


def png_bytes(width: int, height: int, seed: int = 0) -> bytes:
    """A real RGB PNG (soft gradient with a few bands), written with zlib only."""
    rnd = random.Random(seed)
    base = [rnd.randrange(40, 200) for _ in range(3)]
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0
        for x in range(width):
            band = 40 if (x // 32 + y // 32) % 2 else 0
            row += bytes(((base[0] + x * 60 // width + band) % 256,
                          (base[1] + y * 60 // height) % 256, (base[2] + band) % 256))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))


def generated_spec(folder: Path, n_classes: int, *, n_images: int = 8, seed: int = 0,
                   roots: int | None = None, names: list[str] | None = None) -> Path:
    """Write ``folder/spec.yaml`` with ``n_classes`` classes (a hierarchy), attributes, rules,
    a keypoint schema and one example per class drawn on ``n_images`` generated PNGs."""
    rnd = random.Random(seed)
    (folder / "img").mkdir(parents=True, exist_ok=True)
    for i in range(n_images):
        (folder / "img" / f"img{i}.png").write_bytes(png_bytes(160, 120, seed=i))
    names = names or [f"class_{i:04d}" for i in range(n_classes)]
    n_roots = roots or max(1, n_classes // 10)
    shapes_cycle = [["box"], ["polygon"], ["rotated_box"], ["polyline"], ["points"],
                    ["box", "keypoints"]]

    def make(i: int) -> dict:
        shapes = shapes_cycle[i % len(shapes_cycle)]
        c = {"id": i + 1, "name": names[i], "title": f"Title {names[i]}",
             "shapes": shapes, "attributes": ["occlusion"] if i % 3 == 0 else [],
             "definition": f"Definition of {names[i]}.", "include": [f"Include {i}"],
             "exclude": [f"Exclude {i}"]}
        if "keypoints" in shapes:
            c["keypoints"] = "pose"
        geom = {"box": {"box": [10, 10, 60, 40]},
                "polygon": {"polygon": [[10, 10], [80, 15], [60, 90]]},
                "rotated_box": {"rotated_box": [80, 60, 50, 30, 20]},
                "polyline": {"polyline": [[5, 5], [60, 40], [150, 100]]},
                "points": {"points": [[20, 20], [100, 80]]}}[shapes[0]]
        shape = {"class": names[i], **geom}
        if "keypoints" in shapes:
            shape["keypoints"] = [[20, 20, 2], [60, 20, 2], [40, 60, 1]]
        c["examples"] = [{"image": f"img/img{rnd.randrange(n_images)}.png",
                          "verdict": "good" if i % 2 else "bad",
                          "caption": f"Example of {names[i]}", "shapes": [shape]}]
        return c

    classes = [make(i) for i in range(n_classes)]
    tree: list[dict] = classes[:n_roots]
    for i in range(n_roots, n_classes):
        parent = classes[rnd.randrange(0, i)]
        parent.setdefault("children", []).append(classes[i])
    spec = {
        "guidec": 1,
        "project": {"id": "generated", "title": "Generated", "version": "1.0.0",
                    "summary": f"{n_classes} generated classes."},
        "attributes": {
            "occlusion": {"type": "enum", "values": ["none", "partial", "heavy"]},
            "crowd": {"type": "bool", "when": {"occlusion": ["heavy"]}},
            "weather": {"type": "enum", "values": ["sun", "rain"], "scope": "image"},
        },
        "keypoint_schemas": {"pose": {"points": ["left_eye", "right_eye", "chin"],
                                      "skeleton": [["left_eye", "chin"],
                                                   ["right_eye", "chin"]],
                                      "flip": [["left_eye", "right_eye"]]}},
        "classes": tree,
        "rules": [{"id": f"rule-{j}", "title": f"Rule number {j}",
                   "applies_to": [names[rnd.randrange(n_classes)]] if j % 2 else ["*"],
                   "guideline": f"Guideline {j}.",
                   **({"check": {"min_box_side": 4}} if j % 3 == 0 else {})}
                  for j in range(max(3, n_classes // 20))],
        "qa": {"audit": {"sample_rate": 0.05}},
    }
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path
