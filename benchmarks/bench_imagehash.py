"""Duplicate images for the handoff gate: hashing real-size JPEGs and searching near pairs.

    python benchmarks/bench_imagehash.py [--images 10000] [--random 1000000] [--thresholds 0,4,10]

Images: ``--images`` JPEGs of about 640x480 made from six photos of the shared corpus (darknet's
dog, horses, person; imgaug's quokka; ultralytics' zidane and bus), each a seeded random crop
(55-100 % of each side), resized to 600-700 px wide, some mirrored, saved at quality 50-95;
cached in /tmp/guidec-bench-imagehash-N (made in 2 processes the first time). Timed:
``phash_many`` with 1 and 2 jobs (whole files: read, decode, hash), then ``near_duplicates``
over their hashes at threshold 10.

Random: ``--random`` uniform random 64-bit hashes with 1,000 planted pairs (1-10 bits
flipped) and 100 exact copies, searched at each of ``--thresholds``; the planted pairs within
the threshold must all be found.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src"))
sys.path.insert(0, os.path.dirname(HERE))

from guidec import imagehash as ih  # noqa: E402

PHOTOS = [
    "debian/darknet_0.0.0+git20180914.61c9d02e-2+b4/usr/share/darknet/data/dog.jpg",
    "debian/darknet_0.0.0+git20180914.61c9d02e-2+b4/usr/share/darknet/data/horses.jpg",
    "debian/darknet_0.0.0+git20180914.61c9d02e-2+b4/usr/share/darknet/data/person.jpg",
    "pypi/imgaug-0.4.0/imgaug/quokka.jpg",
    "pypi/ultralytics-8.4.190/ultralytics/assets/zidane.jpg",
    "pypi/ultralytics-8.4.190/ultralytics/assets/bus.jpg",
]

_SOURCES: list = []


def _make(bounds: tuple[int, int, str]) -> None:
    from PIL import Image, ImageOps

    lo, hi, folder = bounds
    for k in range(lo, hi):
        rng = np.random.default_rng(k)
        src = _SOURCES[k % len(_SOURCES)]
        w, h = src.size
        cw, ch = int(w * rng.uniform(0.55, 1.0)), int(h * rng.uniform(0.55, 1.0))
        x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
        im = src.crop((x, y, x + cw, y + ch))
        width = int(rng.integers(600, 701))
        im = im.resize((width, max(1, round(ch * width / cw))), Image.Resampling.BILINEAR)
        if rng.random() < 0.3:
            im = ImageOps.mirror(im)
        im.save(os.path.join(folder, f"{k:07d}.jpg"), quality=int(rng.integers(50, 96)))


def make_images(n: int) -> list[str]:
    from PIL import Image
    from tests.conftest import CORPUS

    folder = f"/tmp/guidec-bench-imagehash-{n}"
    paths = [os.path.join(folder, f"{k:07d}.jpg") for k in range(n)]
    if os.path.isfile(os.path.join(folder, "done")):
        return paths
    os.makedirs(folder, exist_ok=True)
    _SOURCES[:] = [Image.open(CORPUS / p).convert("RGB") for p in PHOTOS]
    step = 500
    parts = [(k, min(k + step, n), folder) for k in range(0, n, step)]
    t = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_make, parts, chunksize=1)
    open(os.path.join(folder, "done"), "w").close()
    print(f"made {n:,} JPEGs in {time.perf_counter() - t:.1f} s into {folder}")
    return paths


def random_hashes(n: int, seed: int = 20261205) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    rng = np.random.default_rng(seed)
    h = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    planted = []
    slots = rng.choice(n, size=2 * 1100, replace=False)
    for k in range(1100):
        a, b = int(slots[2 * k]), int(slots[2 * k + 1])
        flips = 0 if k >= 1000 else int(rng.integers(1, 11))
        v = int(h[a])
        for bit in rng.choice(64, size=flips, replace=False):
            v ^= 1 << int(bit)
        h[b] = np.uint64(v)
        planted.append((min(a, b), max(a, b), flips))
    return h, planted


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--random", type=int, default=1_000_000)
    ap.add_argument("--thresholds", default="0,4,10")
    args = ap.parse_args(argv)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"load {os.getloadavg()[0]:.2f}")
    if args.images:
        paths = make_images(args.images)
        for jobs in (1, 2):
            t = time.perf_counter()
            hs = ih.phash_many(paths, jobs=jobs)
            dt = time.perf_counter() - t
            print(f"phash_many {len(paths):,} images, jobs={jobs}: {dt:.2f} s "
                  f"({dt / len(paths) * 1e3:.3f} ms/image, {sum(h is None for h in hs)} unreadable)")
        values, _ = ih.hash_array(hs)
        t = time.perf_counter()
        i, _j, _d = ih.near_duplicate_arrays(values, 10)
        print(f"near_duplicates of {len(values):,} image hashes, threshold 10: "
              f"{time.perf_counter() - t:.2f} s, {len(i):,} pairs")
    if args.random:
        h, planted = random_hashes(args.random)
        for t_ in (int(x) for x in args.thresholds.split(",")):
            t = time.perf_counter()
            i, j, _d = ih.near_duplicate_arrays(h, t_)
            dt = time.perf_counter() - t
            blocks = ih._compiled_blocks(len(h), t_) if ih._hamming is not None else None
            found = set(zip(i.tolist(), j.tolist(), strict=True))
            want = [(a, b) for a, b, f in planted if f <= t_]
            missed = sum((a, b) not in found for a, b in want)
            print(f"near_duplicates of {len(h):,} random hashes, threshold {t_}: {dt:.2f} s, "
                  f"{len(i):,} pairs, {missed} of {len(want)} planted missed, "
                  + (f"compiled, {blocks} blocks" if blocks else "numpy"))
        # near-duplicate families, as a delivery of many near copies has: 1/10 as many
        # originals, each with 9 copies 1-8 bits away
        rng = np.random.default_rng(7)
        base = rng.integers(0, 2**64 - 1, args.random // 10, dtype=np.uint64, endpoint=True)
        fam = np.repeat(base, 10)
        for _ in range(4):
            flip = rng.integers(0, 64, len(fam)).astype(np.uint64)
            fam ^= (rng.random(len(fam)) < 0.9).astype(np.uint64) << flip
        fam[::10] = base
        for t_ in (int(x) for x in args.thresholds.split(",")):
            t = time.perf_counter()
            i, _j, _d = ih.near_duplicate_arrays(fam, t_)
            print(f"near_duplicates of {len(fam):,} hashes in families of 10 near copies, "
                  f"threshold {t_}: {time.perf_counter() - t:.2f} s, {len(i):,} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
