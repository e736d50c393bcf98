"""Exact and near-duplicate images without a model: content hashes, 64-bit perceptual hashes
and an exact all-pairs search under a Hamming threshold.

- :func:`content_hash`: SHA-256 of the file's bytes (exact duplicates, whatever the format).
- :func:`phash`: the DCT perceptual hash as imagededup's ``PHash`` defines it (grayscale,
  32x32 Lanczos, unnormalised 2-D DCT-II, the top-left 8x8 coefficients, a bit set where a
  coefficient is ``>=`` the median of the 63 coefficients other than DC, read row by row with
  the first coefficient as the most significant bit). Two changes: JPEGs are decoded at 1/2 to
  1/8 scale (Pillow's ``draft``, at least 64x64) before the resize, and the EXIF orientation is
  applied first, so a rotated copy hashes like the upright image.
- :func:`dhash`: imagededup's ``DHash`` (9x8 grayscale, a bit where a pixel is brighter than
  its left neighbour).
- :func:`near_duplicates`: every pair within a Hamming distance (default 10, imagededup's),
  exact. Many hashes go to a compiled multi-index search (``guidec/_hamming.c``: the 64 bits
  cut into ``m`` blocks with radii ``r_b`` whose ``r_b + 1`` sum to ``t + 1``; by pigeonhole two
  hashes within ``t`` bits are within ``r_b`` bits on some block, so each bucket is compared
  only with the buckets of block values that near its own; both cores); few hashes, or an install without a C compiler, go to blocks of numpy XOR +
  popcount or a numpy multi-index with ``t + 1`` blocks. All give the same pairs.
- :func:`clusters`: the connected components of those pairs, for keeping near duplicates in
  one split.

Pillow is an optional extra (``pip install 'guidec[images]'``), imported only when an image is
decoded; the search needs only numpy.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Iterable, Sequence

import numpy as np

from guidec import inputs
from guidec.diagnostics import GuidecError

try:  # guidec/_hamming.c, built with guidec; the numpy search gives the same pairs
    from guidec import _hamming
except ImportError:  # pragma: no cover - an install without a C compiler
    _hamming = None

#: imagededup's default ``max_distance_threshold`` for its hashes
DEFAULT_THRESHOLD = 10
#: More near-duplicate pairs than this is an error, not a result: it means most images are
#: the same picture (or the threshold is far too loose), and the pairs would not fit in memory.
MAX_PAIRS = 20_000_000


class TooManyPairs(GuidecError):
    """The search found more than ``max_pairs`` pairs."""

_HASH_SIZE = 8  # an 8x8 block: 64 bits
_PHASH_SIZE = 32  # the image is resized to 32x32 before the DCT
_DRAFT = (64, 64)  # JPEG decoded at the smallest scale that keeps at least this size


def _pillow():
    try:
        from PIL import Image, ImageOps
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise GuidecError("hashing images needs Pillow: pip install 'guidec[images]'") from None
    return Image, ImageOps


def content_hash(path: str) -> str:
    """SHA-256 (hex) of the file's bytes, read through :func:`guidec.inputs.read_bytes` (which
    bounds the size and refuses FIFOs and devices: its ``OSError`` reaches the caller)."""
    return hashlib.sha256(inputs.read_bytes(str(path))).hexdigest()


@functools.lru_cache(maxsize=8)
def dct_matrix(n: int) -> np.ndarray:
    """The unnormalised DCT-II as an ``n x n`` matrix (scipy's ``dct(x, type=2, norm=None)``):
    ``C[k, x] = 2 cos(pi k (2x + 1) / 2n)``, so ``C @ a @ C.T`` is the 2-D DCT of ``a``. No
    orthonormal scaling of row 0: scaling the DC row differently would move the AC coefficients
    of row and column 0 against the median and change the hash."""
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    c = 2.0 * np.cos(np.pi * k * (2 * x + 1) / (2 * n))
    c.setflags(write=False)
    return c


def dct2(a: np.ndarray) -> np.ndarray:
    """2-D DCT-II (unnormalised, as :func:`dct_matrix`) of a square array."""
    c = dct_matrix(a.shape[0])
    return c @ np.asarray(a, dtype=np.float64) @ c.T


def _gray(path: str, size: tuple[int, int]) -> np.ndarray | None:
    """The image at ``path`` as a ``size`` (width, height) grayscale float array, upright by its
    EXIF orientation; ``None`` if it cannot be read or decoded."""
    Image, ImageOps = _pillow()
    try:
        data = inputs.read_bytes(str(path))
        with Image.open(io.BytesIO(data)) as im:
            if im.format == "JPEG":
                im.draft("L", _DRAFT)
            im = ImageOps.exif_transpose(im)  # loads the pixels (a truncated file raises here)
            if im.mode != "L":
                im = im.convert("L")
            im = im.resize(size, Image.Resampling.LANCZOS)
            return np.asarray(im, dtype=np.float64)
    except Exception:  # any damaged image is "unreadable"; the caller reports it
        return None


def _bits_to_int(bits: np.ndarray) -> int:
    """64 booleans, row by row, the first as the most significant bit (imagededup's hex)."""
    return int.from_bytes(np.packbits(bits.ravel()).tobytes(), "big")


def phash_of_array(gray: np.ndarray) -> int:
    """pHash of a 32x32 grayscale array (see the module docstring)."""
    c = dct_matrix(gray.shape[0])[:_HASH_SIZE]  # only the 8 lowest frequencies are kept
    block = c @ gray @ c.T
    median = np.median(block.ravel()[1:])  # without the DC term, as imagededup
    return _bits_to_int(block >= median)


def phash(path: str) -> int | None:
    """The 64-bit DCT perceptual hash of the image at ``path``, ``None`` if it is unreadable
    (missing, refused, not an image, truncated)."""
    gray = _gray(path, (_PHASH_SIZE, _PHASH_SIZE))
    return None if gray is None else phash_of_array(gray)


def dhash(path: str) -> int | None:
    """The 64-bit difference hash (9x8 grayscale, bit = pixel > its left neighbour), ``None``
    if the image is unreadable."""
    gray = _gray(path, (_HASH_SIZE + 1, _HASH_SIZE))
    return None if gray is None else _bits_to_int(gray[:, 1:] > gray[:, :-1])


def phash_many(paths: Sequence[str], jobs: int = 1) -> list[int | None]:
    """:func:`phash` of each path, in order. With ``jobs`` > 1, contiguous runs of the paths
    are hashed in forked worker processes; the result is the same list."""
    return inputs.map_forked(phash, paths, jobs, min_items=2 * max(jobs, 1),
                             runs_per_job=8, min_run=16)


def hash_array(hashes: Iterable[int | None]) -> tuple[np.ndarray, np.ndarray]:
    """``(values, index)``: the hashes that are not ``None`` as a uint64 array and their
    positions in ``hashes``, so pairs over ``values`` map back through ``index``."""
    hs = list(hashes)
    index = np.array([k for k, h in enumerate(hs) if h is not None], dtype=np.int64)
    values = np.array([hs[k] for k in index], dtype=np.uint64)
    return values, index


# --- the search ------------------------------------------------------------------------------

_POP8 = np.array([bin(b).count("1") for b in range(256)], dtype=np.uint8)


def popcount(x: np.ndarray) -> np.ndarray:
    """Set bits of each uint64 (uint8 result): ``np.bitwise_count`` (numpy >= 2), else a byte
    lookup table."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x)
    return _popcount_table(x)


def _popcount_into(x: np.ndarray, out: np.ndarray) -> None:
    if hasattr(np, "bitwise_count"):
        np.bitwise_count(x, out=out)
    else:
        out[...] = _popcount_table(x)


def _popcount_table(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.uint64)
    return _POP8[x.view(np.uint8)].reshape(*x.shape, 8).sum(axis=-1, dtype=np.uint8)


_BLOCK_ELEMS = 1 << 18  # a brute-force block holds at most this many distances (2.5 MB)
_SMALL_GROUP = 48  # multi-index buckets up to this size are compared by offsets, not blocks


def _block_masks(threshold: int) -> list[tuple[int, int]]:
    """``threshold + 1`` blocks covering the 64 bits, as ``(shift, width)``, widths within 1."""
    m = threshold + 1
    widths = [64 // m + (1 if i < 64 % m else 0) for i in range(m)]
    shifts = np.cumsum([0, *widths[:-1]]).tolist()
    return list(zip(shifts, widths, strict=True))


def _brute(h: np.ndarray, idx: np.ndarray, threshold: int, out: list) -> None:
    """Pairs within ``threshold`` among ``h`` (upper triangle), appended to ``out`` as
    ``(idx[i], idx[j], d, xor)`` arrays. Row blocks of at most ``_BLOCK_ELEMS`` distances in
    reused buffers (cache-sized: 3x faster than fresh 4M-element arrays here)."""
    n = len(h)
    if n < 2:
        return
    rows = max(1, _BLOCK_ELEMS // n)
    size = min(rows, n - 1) * (n - 1)
    xb, cb, bb = np.empty(size, np.uint64), np.empty(size, np.uint8), np.empty(size, bool)
    for i0 in range(0, n - 1, rows):
        i1 = min(i0 + rows, n - 1)
        shape = (i1 - i0, n - i0 - 1)  # column c is item i0 + 1 + c
        k = shape[0] * shape[1]
        x, d, hit = xb[:k].reshape(shape), cb[:k].reshape(shape), bb[:k].reshape(shape)
        np.bitwise_xor(h[i0:i1, None], h[None, i0 + 1:], out=x)
        _popcount_into(x, d)
        np.less_equal(d, threshold, out=hit)
        r, c = np.nonzero(hit)
        if len(r) == 0:
            continue
        i = r + i0
        j = c + i0 + 1
        keep = j > i
        i, j, r, c = i[keep], j[keep], r[keep], c[keep]
        out.append((idx[i], idx[j], d[r, c].copy(), x[r, c].copy()))


def _multi_index_cost(h: np.ndarray, threshold: int) -> int:
    """Pairs the multi-index compares: the sum over blocks of ``size * (size - 1) / 2`` over
    the buckets of equal block values."""
    total = 0
    for shift, width in _block_masks(threshold):
        key = (h >> np.uint64(shift)) & np.uint64((1 << width) - 1)
        counts = np.unique(key, return_counts=True)[1].astype(np.int64)
        total += int((counts * (counts - 1) // 2).sum())
    return total


def _multi_index(h: np.ndarray, threshold: int, out: list) -> None:
    n = len(h)
    blocks = _block_masks(threshold)
    masks = [np.uint64(((1 << w) - 1) << s) for s, w in blocks]
    for b, (shift, width) in enumerate(blocks):
        key = (h >> np.uint64(shift)) & np.uint64((1 << width) - 1)
        order = np.argsort(key, kind="stable")
        ks = key[order]
        hs = h[order]
        starts = np.flatnonzero(np.concatenate(([True], ks[1:] != ks[:-1])))
        sizes = np.diff(np.append(starts, n))
        found: list = []
        # big buckets: blocks of XOR + popcount within the bucket
        big = sizes > _SMALL_GROUP
        for s, c in zip(starts[big].tolist(), sizes[big].tolist(), strict=True):
            _brute(hs[s:s + c], order[s:s + c], threshold, found)
        # small buckets: item p against item p + o of the same bucket, for o = 1, 2, ...
        small = (sizes > 1) & (sizes <= _SMALL_GROUP)
        end = np.repeat(starts + sizes, sizes)  # one past each sorted item's bucket
        active = np.repeat(small, sizes).nonzero()[0]
        o = 1
        while len(active):
            active = active[end[active] - active > o]
            if not len(active):
                break
            x = hs[active] ^ hs[active + o]
            d = popcount(x)
            sel = d <= threshold
            if sel.any():
                p = active[sel]
                found.append((order[p], order[p + o], d[sel], x[sel]))
            o += 1
        # a pair that agrees on an earlier block was found there: keep it once
        for i, j, d, x in found:
            keep = np.ones(len(x), dtype=bool)
            for mask in masks[:b]:
                keep &= (x & mask) != 0
            out.append((i[keep], j[keep], d[keep], x[keep]))


def _compiled_blocks(n: int, threshold: int) -> int | None:
    """The number of blocks for the compiled search that visits the fewest hashes, or None
    when comparing every pair (numpy) is about as cheap. Estimate per hash and block: the
    bucket values within ``t // m`` bits of its own (each a lookup) times the hashes in a
    bucket (``n / 2**width``, uniform hashes); the blocks' radii r_b have r_b + 1 summing to
    ``threshold + 1`` (pigeonhole: two hashes within the threshold are within r_b on a block)."""
    from math import comb

    best, best_cost = None, n * (n - 1) / 2 / 4  # numpy compares ~4x faster per pair
    for m in range(3, min(threshold + 1, 16) + 1):
        width = -(-64 // m)
        cost = 0.0
        for b in range(m):  # radii whose r + 1 sum to threshold + 1, as _hamming.c sets them
            r = (threshold + 1) // m - 1 + (1 if b < (threshold + 1) % m else 0)
            visits = sum(comb(width, k) for k in range(r + 1))
            cost += n * visits * (4 + n / 2 ** width / 2)
        if cost < best_cost:
            best, best_cost = m, cost
    return best


def _threads() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def near_duplicate_arrays(hashes, threshold: int = DEFAULT_THRESHOLD, method: str = "auto",
                          *, threads: int | None = None, max_pairs: int = MAX_PAIRS
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`near_duplicates` as three arrays ``(i, j, d)`` (int64, int64, uint8), sorted by
    ``(i, j)``. ``method``: ``"compiled"`` (the C multi-index, both cores), ``"brute"``,
    ``"index"`` (numpy) or ``"auto"`` (the compiled search when built and cheaper than
    comparing every pair); all are exact. More than ``max_pairs`` pairs raises
    :class:`TooManyPairs` (the compiled search stops there; the numpy ones check at the end)."""
    h = np.ascontiguousarray(np.asarray(hashes, dtype=np.uint64).ravel())
    n = len(h)
    if threshold < 0:
        raise ValueError("threshold must be >= 0")
    threshold = min(int(threshold), 64)
    out: list = []
    blocks = _compiled_blocks(n, threshold) if _hamming is not None and n >= 2 else None
    if method == "compiled" or (method == "auto" and blocks is not None):
        if _hamming is None:
            raise ValueError("the compiled search is not built in this install")
        got = _hamming.pairs(h, threshold, blocks or max(3, min(threshold + 1, 16)),
                             threads or _threads(), max_pairs)
        if got is None:
            raise _too_many(max_pairs, threshold)
        out.append((np.frombuffer(got[0], np.int64), np.frombuffer(got[1], np.int64),
                    np.frombuffer(got[2], np.uint8), None))
    elif n >= 2:
        if method == "auto":
            brute_cost = n * (n - 1) // 2
            method = "brute"
            if threshold < 63 and n > 2000 and _multi_index_cost(h, threshold) < brute_cost // 2:
                method = "index"
        if method == "index" and threshold < 63:
            _multi_index(h, threshold, out)
        else:
            _brute(h, np.arange(n, dtype=np.int64), threshold, out)
    if sum(len(o[0]) for o in out) > max_pairs:
        raise _too_many(max_pairs, threshold)
    if not out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint8)
    i = np.concatenate([o[0] for o in out]).astype(np.int64)
    j = np.concatenate([o[1] for o in out]).astype(np.int64)
    d = np.concatenate([o[2] for o in out]).astype(np.uint8)
    i, j = np.minimum(i, j), np.maximum(i, j)
    order = np.lexsort((j, i))
    return i[order], j[order], d[order]


def _too_many(max_pairs: int, threshold: int) -> TooManyPairs:
    return TooManyPairs(f"more than {max_pairs:,} pairs of images within {threshold} bits of "
                        "each other: most images look alike to a perceptual hash (blank or "
                        "near-uniform frames?) or the threshold is too loose; search with a "
                        "smaller one")


def near_duplicates(hashes, threshold: int = DEFAULT_THRESHOLD) -> list[tuple[int, int, int]]:
    """Every pair ``(i, j, d)`` with ``i < j`` whose hashes differ in ``d <= threshold`` bits
    (exact duplicates, ``d == 0``, included), sorted. ``hashes``: a uint64 array (or ints).
    Exact for any threshold; memory stays bounded by comparing in blocks."""
    i, j, d = near_duplicate_arrays(hashes, threshold)
    return list(zip(i.tolist(), j.tolist(), d.tolist(), strict=True))


def clusters(n: int, pairs: Iterable[Sequence[int]]) -> list[list[int]]:
    """The connected components of ``range(n)`` joined by ``pairs`` (``(i, j, ...)``), each a
    sorted list, ordered by their first member; singletons included, so every index is in
    exactly one cluster (the groups a splitter keeps together)."""
    parent = list(range(n))

    def find(a: int) -> int:
        root = a
        while parent[root] != root:
            root = parent[root]
        while parent[a] != root:
            parent[a], a = root, parent[a]
        return root

    for pair in pairs:
        a, b = find(int(pair[0])), find(int(pair[1]))
        if a != b:
            if a < b:
                parent[b] = a
            else:
                parent[a] = b
    groups: dict[int, list[int]] = {}
    for k in range(n):
        groups.setdefault(find(k), []).append(k)
    return sorted(groups.values(), key=lambda g: g[0])


def duplicate_clusters(names: Sequence[str], root: str, threshold: int = DEFAULT_THRESHOLD,
                       jobs: int = 1) -> tuple[list[list[str]], list[str]]:
    """The images among ``names`` (image names of a delivery, found under ``root`` as
    :func:`guidec.imagesize.find_image` finds them) that show the same picture: identical or
    within ``threshold`` bits of perceptual hash, joined into clusters of two or more names
    (each sorted, ordered by their first name). And the names that could not be compared
    (not found, unreadable), each with the reason. Raises :class:`GuidecError` without Pillow
    and :class:`TooManyPairs` past :data:`MAX_PAIRS`."""
    from guidec.imagesize import find_image

    _pillow()
    unique = sorted({str(n) for n in names})
    paths, missing = {}, []
    for name in unique:
        p = find_image(name, root)
        if p is None:
            missing.append(f"{name}: not found under {root}")
        else:
            paths[name] = p
    found = sorted(paths)
    hashes = phash_many([paths[n] for n in found], jobs=jobs)
    missing += [f"{n}: not a readable image" for n, h in zip(found, hashes, strict=True)
                if h is None]
    values, index = hash_array(hashes)
    pairs = near_duplicate_arrays(values, threshold, max_pairs=MAX_PAIRS)
    groups = clusters(len(values), zip(pairs[0].tolist(), pairs[1].tolist(), strict=True))
    out = [[found[index[k]] for k in g] for g in groups if len(g) > 1]
    return sorted(out), sorted(missing)
