"""YOLO (Ultralytics) text labels: detect, segment, pose and oriented boxes.

Takes a dataset folder (with ``data.yaml`` and/or ``labels/``), a ``data.yaml`` file, or label
``.txt`` files. One ``.txt`` per image, same stem, ``images/`` <-> ``labels/``; one object per
row, class index first, coordinates normalized to [0, 1] and converted to pixels with the
image size read from the image file's header (``image_root`` or the sibling ``images/``
folder). Row kinds by length: 5 = box ``cls xc yc w h``; ``5 + K*ndim`` = pose when
``data.yaml`` has ``kpt_shape: [K, ndim]`` (ndim 2: visibility 2 unless the point is 0,0);
9 = oriented box ``cls x1 y1 ... x4 y4`` (ROTATED_BOX with the corners as its ring) unless
the dataset also has longer polygon rows, then a 4-point polygon; other odd lengths >= 7 =
polygon. ``names`` (list or mapping) give class names and ``declared_categories``.
Images in ``images/`` without a label file are images with no objects.
"""

from __future__ import annotations

import math
import os
import re

import numpy as np
import yaml

from guidec import inputs, progress
from guidec.imagesize import size_of_file
from guidec.readers import Reader
from guidec.readers._codes import V001, V002, V009, V014, V016, V017, V019
from guidec.readers._common import Ahead
from guidec.table import AnnotationTable, Shape, TableBuilder

try:  # the compiled scanner (hatch_build.py); without it the numpy paths below, same table
    from guidec.readers import _yoloscan
except ImportError:  # pragma: no cover - a build without a C compiler
    _yoloscan = None

NAME = "yolo"
FAST = True  # tests turn it off to hold the box-file path to the row-by-row one
SCAN = True  # tests turn it off to hold the compiled scanner to the Python paths
BATCH = 4096  # label files a scanner call (the progress line advances between calls)
IMAGE_EXT = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif")
MAX_YAML = 4 * 1024 * 1024


def _is_data_yaml(path: str, head: bytes) -> bool:
    return path.lower().endswith((".yaml", ".yml")) and b"names" in head


def _numeric_first_line(path: str) -> bool:
    try:
        with inputs.open_regular(path) as fh:
            first = fh.readline(256).split()
    except OSError:
        return False
    return not first or first[0].isdigit()


def _detect(path: str, head: bytes, is_dir: bool) -> bool:
    if is_dir:
        try:
            names = os.listdir(path)
        except OSError:
            return False
        if "data.yaml" in names or "labels" in names:
            return True
        txts = sorted(n for n in names if n.endswith(".txt") and n != "classes.txt")[:5]
        return bool(txts) and all(_numeric_first_line(os.path.join(path, n)) for n in txts)
    if _is_data_yaml(path, head):
        return True
    if path.lower().endswith(".txt"):
        first = head.split(b"\n", 1)[0].split()
        return not first or first[0].isdigit()
    return False


def read(paths: list[str], ctx) -> AnnotationTable:
    b = TableBuilder()
    for p in paths:
        _read_one(p, ctx, b)
    return b.build()


def _load_yaml(path: str, ctx, b: TableBuilder) -> dict | None:
    try:
        with inputs.open_regular(path) as fh:
            raw = fh.read(MAX_YAML + 1)
    except OSError as exc:
        ctx.report(V001(f"cannot read: {exc.strerror or exc}", file=path))
        return None
    if len(raw) > MAX_YAML:
        ctx.report(V016("data.yaml is larger than 4 MiB", file=path))
        return None
    try:
        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        d = V002(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", file=path)
        if mark is not None:
            d = d.with_position(mark.line + 1, mark.column + 1)
        ctx.report(d)
        return None
    except RecursionError:
        ctx.report(V002("YAML nests too deep", file=path))
        return None
    if not isinstance(data, dict):
        ctx.report(V016("data.yaml must be a mapping", file=path))
        return None
    return data


def _names(data: dict, path: str, ctx) -> list[str] | None:
    names = data.get("names")
    out: list[str] | None = None
    if isinstance(names, list):
        out = [str(n) for n in names]
    elif isinstance(names, dict):
        try:
            keys = sorted(int(k) for k in names)
        except (TypeError, ValueError):
            ctx.report(V016("names keys must be class indexes 0..nc-1", file=path,
                            path=("names",)))
            return None
        if keys != list(range(len(keys))):
            ctx.report(V016("names keys must be 0..nc-1 without gaps", file=path,
                            path=("names",)))
        out = [str(names.get(k, names.get(str(k)))) for k in keys]
    elif names is not None:
        ctx.report(V016("names must be a list or a mapping", file=path, path=("names",)))
    nc = data.get("nc")
    if out is not None and nc is not None and nc != len(out):
        ctx.report(V016(f"nc is {nc} but {len(out)} names are given", file=path,
                        path=("nc",)))
    return out


def _kpt_shape(data: dict, path, ctx) -> tuple[int, int] | None:
    ks = data.get("kpt_shape")
    if ks is None:
        return None
    if (not isinstance(ks, list) or len(ks) != 2 or not all(type(v) is int for v in ks)
            or ks[1] not in (2, 3) or ks[0] < 1):
        ctx.report(V016(f"kpt_shape must be [K, 2|3], not {ks!r:.40}", file=path,
                        path=("kpt_shape",)))
        return None
    flip = data.get("flip_idx")
    if flip is not None and (not isinstance(flip, list) or len(flip) != ks[0]):
        ctx.report(V016(f"flip_idx must list {ks[0]} indexes", file=path, path=("flip_idx",)))
    return ks[0], ks[1]


def _read_one(p: str, ctx, b: TableBuilder) -> None:
    yaml_path = None
    if os.path.isdir(p):
        root = p
        for cand in ("data.yaml", "dataset.yaml"):
            if os.path.isfile(os.path.join(p, cand)):
                yaml_path = os.path.join(p, cand)
                break
    elif p.lower().endswith((".yaml", ".yml")):
        yaml_path, root = p, os.path.dirname(p) or "."
    else:
        _read_labels([p], None, None, ctx, b)
        return
    names = kpt = None
    if yaml_path:
        data = _load_yaml(yaml_path, ctx, b)
        if data is not None:
            names = _names(data, yaml_path, ctx)
            kpt = _kpt_shape(data, yaml_path, ctx)
            base = data.get("path")
            if isinstance(base, str) and os.path.isdir(os.path.join(root, base)):
                root = os.path.join(root, base)
            if names:
                for i, n in enumerate(names):
                    b.declared_categories.setdefault(i, {"name": n})
    unlisted: list[str] = []
    tree = _walk(root, unlisted)
    for folder in unlisted:  # its label files and images were not read: never silently
        ctx.report(V001("cannot list this folder: the files in it were not read",
                        file=folder))
    listings: dict = {r: files for r, _, files in tree}
    labels: list[str] = []
    flat = None  # no labels/ folder in the root: label files are taken from any folder
    for r, entries, _ in tree:
        txts = [f for f in entries if f.endswith(".txt") and f != "classes.txt"]
        if txts and not (os.sep + "labels" in r or r == root):
            if flat is None:
                flat = "labels" not in os.listdir(root)
            if not flat:
                continue
        at = os.path.join(r, "")  # r and a separator, as os.path.join puts them
        labels.extend(at + f for f in txts)
    _read_labels(labels, names, kpt, ctx, b, tree=tree, listings=listings)


def _walk(root: str, unlisted: list[str] | None = None
          ) -> list[tuple[str, list[str], frozenset[str]]]:
    """The folders under ``root`` as ``os.walk`` visits them (top-down, folders sorted, links
    to folders listed but not entered), each with its sorted entries that are not folders and
    the set of those that are files (links to files included): one listing of every folder a
    run, which finds the label files, the images beside them and the images without labels.
    The folders under ``root`` that cannot be listed are added to ``unlisted`` (``root``
    itself is the caller's: a delivery that holds nothing is V049)."""
    out: list[tuple[str, list[str], frozenset[str]]] = []
    stack = [root]
    while stack:
        top = stack.pop()
        # the same three lists from C when it is built: no DirEntry object a name
        got = _yoloscan.entries(top) if _yoloscan is not None and SCAN else _entries(top)
        if got is None:
            if unlisted is not None and top != root:
                unlisted.append(top)
            continue
        files, dirs, other = got
        names = sorted(files + other) if other else sorted(files)
        out.append((top, names, frozenset(files)))
        stack.extend(os.path.join(top, d) for d in sorted(dirs, reverse=True))
    return out


def _entries(top: str) -> tuple[list[str], list[str], list[str]] | None:
    """What ``_yoloscan.entries`` gives, by ``os.scandir``: the files (links to files
    included), the folders to walk into (no links) and the other entries that are no folder;
    None when the folder cannot be listed."""
    try:
        with os.scandir(top) as it:
            entries = list(it)
    except OSError:
        return None
    files, other, dirs = [], [], []
    for e in entries:
        try:
            if e.is_file():
                files.append(e.name)
                continue
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            other.append(e.name)
            continue
        try:
            if not e.is_symlink():
                dirs.append(e.name)
        except OSError:
            dirs.append(e.name)
    return files, dirs, other


def _listing(folder: str, cache: dict) -> frozenset[str]:
    """Names of the files in ``folder`` (links to files included), listed once a run: a label
    looks its image up under a dozen spellings, a set lookup each instead of a stat each."""
    names = cache.get(folder)
    if names is None:
        try:
            with os.scandir(folder) as it:
                names = frozenset(e.name for e in it if e.is_file())
        except OSError:
            names = frozenset()
        cache[folder] = names
    return names


# the spellings an image is looked up under, in the order they are tried
_SPELLINGS = [e for ext in IMAGE_EXT for e in (ext, ext.upper())]
_RANK = {e: i for i, e in reversed(list(enumerate(_SPELLINGS)))}


def _stems(folder: str, cache: dict) -> dict[str, str]:
    """stem -> the file of ``folder`` :func:`_image_for` takes for it (the first spelling
    that exists), made once a folder from its listing."""
    key = ("stems", folder)
    out = cache.get(key)
    if out is None:
        best: dict[str, tuple[int, str]] = {}
        for name in _listing(folder, cache):
            dot = name.rfind(".")
            rank = _RANK.get(name[dot:]) if dot >= 0 else None
            if rank is not None:
                stem = name[:dot]
                if stem not in best or rank < best[stem][0]:
                    best[stem] = (rank, name)
        out = cache[key] = {stem: name for stem, (_, name) in best.items()}
    return out


def _image_dirs(label_path: str, ctx) -> list[str]:
    d = os.path.dirname(label_path)
    dirs = []
    parts = d.split(os.sep)
    if "labels" in parts:
        i = len(parts) - 1 - parts[::-1].index("labels")
        dirs.append(os.sep.join([*parts[:i], "images", *parts[i + 1:]]))
    if ctx.image_root:
        dirs.append(ctx.image_root)
    dirs.append(d)
    return dirs


def _stem(name: str) -> str:
    """``os.path.splitext(name)[0]`` of a file name, without its call for a ``.txt`` name."""
    if name.endswith(".txt") and name[:-4].lstrip("."):
        return name[:-4]
    return os.path.splitext(name)[0]


def _images_of(labels: list[str], ctx, cache: dict
               ) -> tuple[list[tuple[str, str] | None], list[str]]:
    """What :func:`_image_for` finds for each label file, and its absolute path, by a
    dictionary lookup a folder (the folders to look in are worked out once a folder of
    labels, and the labels of one folder looked up together); and each label file's stem."""
    out: list[tuple[str, str] | None] = []
    all_stems: list[str] = []
    a, n = 0, len(labels)
    while a < n:
        cut = labels[a].rfind(os.sep) + 1
        head = labels[a][:cut]
        z = a + 1
        while z < n and labels[z].startswith(head) and labels[z].rfind(os.sep) + 1 == cut:
            z += 1
        stems = [_stem(lp[cut:]) for lp in labels[a:z]]
        all_stems.extend(stems)
        found: list = [None] * len(stems)
        left = range(len(stems))
        for dd in _image_dirs(labels[a], ctx):
            if not left:  # every image found: the other folders need no listing
                break
            join = os.path.join(dd, "")  # dd and a separator, as os.path.join puts them
            absolute = os.path.join(os.path.abspath(dd), "")
            names = _stems(dd, cache)
            for i in left:
                name = names.get(stems[i])
                if name is not None:
                    found[i] = (join + name, absolute + name)
            left = [i for i in left if found[i] is None]
        out.extend(found)
        a = z
    return out, all_stems


def _image_for(label_path: str, ctx, cache: dict | None = None) -> str | None:
    cache = {} if cache is None else cache
    stem = os.path.splitext(os.path.basename(label_path))[0]
    dirs = []
    d = os.path.dirname(label_path)
    parts = d.split(os.sep)
    if "labels" in parts:
        i = len(parts) - 1 - parts[::-1].index("labels")
        dirs.append(os.sep.join([*parts[:i], "images", *parts[i + 1:]]))
    if ctx.image_root:
        dirs.append(ctx.image_root)
    dirs.append(d)
    for dd in dirs:
        there = _listing(dd, cache)
        for ext in IMAGE_EXT:
            for e in (ext, ext.upper()):
                if stem + e in there:
                    return os.path.join(dd, stem + e)
    return None


# A label file of box rows only, each a class index and four plain decimal numbers (no blank
# line, no other token): read with numpy, all rows at once. Anything else is read row by row.
_NUMBER = rb"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"  # one way to match
_BOX_FILE = re.compile(
    rb"(?:[ \t]*[0-9]{1,9}(?:[ \t]+" + _NUMBER + rb"){4}[ \t]*(?:\r?\n|\Z))*")


# A label file whose every line is a class index and plain decimal numbers (boxes, segments):
# parsed by numpy a file at a time, rows added in one call.
_NUMERIC_FILE = re.compile(
    rb"(?:[ \t]*[0-9]{1,9}(?:[ \t]+" + _NUMBER + rb")+[ \t]*(?:\r?\n|\Z))*")


def _numeric_rows(data: bytes, counts: list[int], fi, img, w, h, names, kpt, seg_dataset,
                  b: TableBuilder) -> bool:
    """Add the box and polygon rows of a numeric label file at once; False (nothing added)
    when a row is of another kind (pose, oriented box) or holds a value to report."""
    for n in counts:
        if (kpt and n == 5 + kpt[0] * kpt[1]) or (n == 9 and not seg_dataset) or not (
                n == 5 or (n >= 7 and n % 2 == 1)):
            return False
    values = np.array(data.split(), dtype=np.float64)
    if not (np.isfinite(values).all() and (np.abs(values) <= 1e9).all()):
        return False
    sx = w if w is not None else math.nan
    sy = h if h is not None else math.nan
    scale = np.array([sx, sy])
    labels, ids, shapes, boxes, rings = [], [], [], [], []
    nan_box = (math.nan,) * 4
    at = 0
    for n in counts:
        c = int(values[at])
        label = names[c] if names and 0 <= c < len(names) else None
        labels.append(label)
        ids.append(c if label is None else -1)
        if n == 5:  # the row-by-row path's operations, in order, on Python floats
            v0, v1, v2, v3 = values[at + 1:at + 5].tolist()
            xc, yc, bw, bh = v0 * sx, v1 * sy, v2 * sx, v3 * sy
            shapes.append(Shape.BOX)
            boxes.append((xc - bw / 2, yc - bh / 2, bw, bh))
            rings.append(None)
        else:
            shapes.append(Shape.POLYGON)
            boxes.append(nan_box)
            rings.append(values[at + 1:at + n].reshape(-1, 2) * scale)
        at += n
    b.add_rows(img, labels, ids, shapes, boxes, rings, src_file=fi,
               src_lines=list(range(1, len(counts) + 1)))
    return True


class _BoxFiles:
    """The values of every box-only label file, parsed by numpy in one call; each file's rows
    are then a slice (files holding a value the row-by-row path reports are marked bad)."""

    def __init__(self, raws: list[bytes], names: list[str] | None):
        counts = [r.count(b"\n") + (1 if r and not r.endswith(b"\n") else 0) for r in raws]
        self.offsets = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
        flat = b" ".join(raws).split()
        self.values = np.array(flat, dtype=np.float64).reshape(-1, 5)
        bad_rows = ~(np.isfinite(self.values).all(axis=1)
                     & (np.abs(self.values) <= 1e9).all(axis=1))
        file_of_row = np.repeat(np.arange(len(raws)), counts)
        self.bad = np.bincount(file_of_row[bad_rows], minlength=len(raws)) > 0
        cls = np.where(bad_rows, -1, self.values[:, 0]).astype(np.int64)
        self.cls = cls
        known = (cls >= 0) & (cls < len(names)) if names else np.zeros(len(cls), dtype=bool)
        labels = np.array([*(names or []), None], dtype=object)
        self.labels = labels[np.where(known, cls, len(labels) - 1)]
        self.label_ids = np.where(known, -1, cls)

    def add(self, k: int, fi, img, w, h, b: TableBuilder) -> bool:
        """Add file ``k``'s rows; False (nothing added) when it holds a value to report."""
        if self.bad[k]:
            return False
        a, z = int(self.offsets[k]), int(self.offsets[k + 1])
        if a == z:
            return True
        v = self.values[a:z]
        sx = w if w is not None else math.nan
        sy = h if h is not None else math.nan
        xc, yc = v[:, 1] * sx, v[:, 2] * sy  # the row-by-row path's operations, in order
        bw, bh = v[:, 3] * sx, v[:, 4] * sy
        boxes = np.stack([xc - bw / 2, yc - bh / 2, bw, bh], axis=1).tolist()
        n = z - a
        b.add_boxes(img, self.labels[a:z].tolist(), [tuple(x) for x in boxes], [None] * n,
                    src_file=fi, src_lines=list(range(1, n + 1)), src_indexes=[-1] * n,
                    label_ids=self.label_ids[a:z].tolist())
        return True


def _read_labels(labels, names, kpt, ctx, b: TableBuilder, tree: list | None = None,
                 listings: dict | None = None) -> None:
    """Read ``labels``; ``tree``: the dataset folder's :func:`_walk`, whose images without a
    label file are added; ``listings``: folder -> its files, as :func:`_listing` keeps them."""
    listings = {} if listings is None else listings
    if _yoloscan is not None and SCAN and FAST:
        seen_images = _read_scanned(labels, names, kpt, ctx, b, listings)
    else:
        seen_images = _read_python(labels, names, kpt, ctx, b, listings)
    _unlabelled_images(tree, seen_images, b)


def _text_rows(lp: str, data: bytes | None, ctx) -> list | None:
    """The non-blank rows of a label file as (line, tokens), read (again) when ``data`` is
    None; None, reported, when it cannot be read or is not UTF-8."""
    try:
        if data is None:
            data = inputs.read_bytes(lp)
        data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        text = data.decode("utf-8")
    except OSError as exc:
        ctx.report(V001(f"cannot read: {exc.strerror or exc}", file=lp))
        return None
    except UnicodeDecodeError:
        ctx.report(V002("label file is not UTF-8 text", file=lp))
        return None
    return [(ln, parts) for ln, line in enumerate(text.splitlines(), 1)
            if (parts := line.split())]


def _is_segment(n: int, kpt) -> bool:
    """A row of ``n`` values that makes 9-value rows polygons in its dataset."""
    return n > 9 and n % 2 == 1 and not (kpt and n == 5 + kpt[0] * kpt[1])


def _remember(paths: list[str], dev: np.ndarray, ino: np.ndarray, read: np.ndarray) -> None:
    """Record the files the scanner read (``read``) as inputs of the command."""
    if read.all():
        inputs.remember_read(dev, ino, paths)
    else:
        inputs.remember_read(dev[read], ino[read], [paths[i] for i in np.flatnonzero(read)])


def _read_scanned(labels, names, kpt, ctx, b: TableBuilder, listings: dict) -> set:
    """The label files read by the compiled scanner on ``ctx.jobs`` threads, into columns; a
    file it does not take (unreadable, not plain text, a value to report) is read row by row
    by :func:`_row`, which reports it. The same table and findings as :func:`_read_python`."""
    threads = max(1, getattr(ctx, "jobs", 1))
    prog = progress.active()
    limit = inputs.max_bytes()
    n = len(labels)
    with Ahead(threads > 1 and n > BATCH) as ahead:
        scans = [ahead.submit(_yoloscan.scan, labels[a:a + BATCH], limit, threads)
                 for a in range(0, n, BATCH)]
        img_paths, keys = _images_of(labels, ctx, listings)  # while the first files are read
        found = np.array([p is not None for p in img_paths], dtype=bool)
        where_of = [[img_paths[k][0] for k in range(a, min(n, a + BATCH)) if found[k]]
                    for a in range(0, n, BATCH)]
        heads = [ahead.submit(_yoloscan.sizes, where, threads) for where in where_of]
        return _take_scanned(labels, names, kpt, ctx, b, scans, heads, img_paths, keys,
                             found, where_of, prog)


def _take_scanned(labels, names, kpt, ctx, b: TableBuilder, scans, heads, img_paths, keys,
                  found, where_of, prog) -> set:
    """The table of :func:`_read_scanned` from the scanner's results (``scans``: the label
    files' columns a batch, ``heads``: the image sizes a batch)."""
    n = len(labels)
    status = np.zeros(n, dtype=np.int8)
    rows_of_file = np.zeros(n + 1, dtype=np.int64)
    cols: dict[str, list] = {"line": [], "count": [], "cls": [], "values": []}
    texts: dict[int, list | None] = {}  # file -> its rows, for files read by Python
    # each label file's image size (nan: no image, or none read from it)
    widths = np.full(n, np.nan)
    heights = np.full(n, np.nan)
    seg_dataset = False
    for a, scanned, head, where in zip(range(0, n, BATCH), scans, heads, where_of,
                                       strict=True):
        batch = labels[a:a + BATCH]
        st, nread, dev, ino, frows, line, count, cls, values = scanned()
        st = np.frombuffer(st, dtype=np.int8)
        nread = np.frombuffer(nread, dtype=np.int64)
        _remember(batch, np.frombuffer(dev, np.uint64), np.frombuffer(ino, np.uint64),
                  nread >= 0)
        status[a:a + len(batch)] = st
        rows_of_file[a + 1:a + len(batch) + 1] = rows_of_file[a] + np.frombuffer(
            frows, dtype=np.int64)[1:]
        count = np.frombuffer(count, dtype=np.int32)
        for key, col, dt in (("line", line, np.int32), ("count", count, None),
                             ("cls", cls, np.int64), ("values", values, np.float64)):
            cols[key].append(col if dt is None else np.frombuffer(col, dtype=dt))
        if prog is not None:  # the Python reader counts its own files
            ok = st == 0
            prog.read(int(nread[ok].sum()), files=int(ok.sum()))
            prog.add_rows(len(count))
        for k in np.flatnonzero(st != 0).tolist():  # the Python reader's files
            rows = texts[a + k] = _text_rows(batch[k], None, ctx)
            seg_dataset = seg_dataset or any(_is_segment(len(p), kpt) for _, p in rows or ())
        at = a + np.flatnonzero(found[a:a + len(batch)])
        w, h, idev, iino = head()
        w, h = np.frombuffer(w, np.int64), np.frombuffer(h, np.int64)
        iino = np.frombuffer(iino, np.uint64)
        _remember(where, np.frombuffer(idev, np.uint64), iino, iino != 0)
        certain = w > 0
        widths[at[certain]] = w[certain]
        heights[at[certain]] = h[certain]
        for k in at[~certain].tolist():  # headers the scanner leaves to imagesize
            size = size_of_file(img_paths[k][0])
            if size is not None:
                widths[k], heights[k] = float(size[0]), float(size[1])
    line, count, cls, values = (_join(cols[key], dt) for key, dt in (
        ("line", np.int32), ("count", np.int32), ("cls", np.int64), ("values", np.float64)))
    count = count.astype(np.int64)
    del cols
    pose = 5 + kpt[0] * kpt[1] if kpt else -1
    odd = (count % 2 == 1) & (count != pose)
    seg_dataset = seg_dataset or bool(((count > 9) & odd).any())
    # rows the columns take: boxes, polygons, oriented boxes, pose; a file with a row of
    # another length (reported) is read row by row
    fast = (count == 5) | (count >= 7) & (count % 2 == 1) | (count == pose)
    file_of_row = np.repeat(np.arange(n), np.diff(rows_of_file))
    slow = np.bincount(file_of_row[~fast], minlength=n) > 0
    slow |= status != 0
    voff = np.zeros(len(count) + 1, dtype=np.int64)
    np.cumsum(count - 1, out=voff[1:])
    # the files and images of every label file read, at once (an unreadable one has none)
    kept = np.array([k for k in range(n) if k not in texts or texts[k] is not None],
                    dtype=np.int64)
    file_index = np.zeros(n, dtype=np.int64)
    image_index = np.zeros(n, dtype=np.int64)
    kept_list = kept.tolist()
    kept_labels = [labels[k] for k in kept_list]
    file_index[kept] = b.add_files(kept_labels, NAME) + np.arange(len(kept))
    image_names = [img_paths[k][0] if img_paths[k] is not None else os.path.splitext(lp)[0]
                   for k, lp in zip(kept_list, kept_labels, strict=True)]
    image_index[kept] = b.add_images([keys[k] for k in kept_list], image_names,
                                     widths[kept], heights[kept],
                                     file_index[kept]) + np.arange(len(kept))
    seen_images = {img_paths[k][1] for k in kept_list if img_paths[k] is not None}
    pending = 0  # the first label file whose rows are not added yet

    def flush(upto: int) -> None:
        """The scanned rows of the files before ``upto`` not added yet, in one call (one
        chunk of columns and one vertex array for a delivery without slow files)."""
        nonlocal pending
        ra, rz = int(rows_of_file[pending]), int(rows_of_file[upto])
        pending = upto
        if ra != rz:
            _add_columns(b, ra, rz, file_of_row, count, cls, line, values, voff, names, kpt,
                         seg_dataset, file_index, image_index, widths, heights)

    # in file order: each file's image finding, then the findings of a file read row by row
    missing = np.isnan(widths)
    for k in kept[(missing | slow)[kept]].tolist():
        lp = labels[k]
        if img_paths[k] is None:
            ctx.report(V019("no image with the same name beside the labels (images/ folder "
                            "or --images)", file=lp))
        elif missing[k]:
            ctx.report(V014(f"cannot read the size of {img_paths[k][0]}", file=lp))
        if not slow[k]:
            continue
        flush(k)
        pending = k + 1
        rows = texts[k] if k in texts else _text_rows(lp, None, ctx)
        w, h = (None, None) if missing[k] else (widths[k], heights[k])
        before = b.rows
        for ln, parts in rows or ():
            _row(parts, ln, lp, int(file_index[k]), int(image_index[k]), w, h, names, kpt,
                 seg_dataset, ctx, b)
        if prog is not None and k in texts:  # the scanner counted the rows of the others
            prog.add_rows(b.rows - before)
    flush(n)
    return seen_images


def _boxes(values: np.ndarray, at: np.ndarray, bx: np.ndarray, by: np.ndarray,
           boxed: np.ndarray, k: int) -> np.ndarray:
    """(k, 4) boxes of rows ``boxed`` from their first four values at ``at``, by the
    row-by-row path's operations, in order, a column at a time; NaN for the other rows. (A
    function: its temporaries, a column each, are let go before the rows are added.)"""
    bbox = np.full((k, 4), np.nan)
    if len(boxed):
        bw, bh = values[at + 2] * bx, values[at + 3] * by
        bbox[boxed, 0] = values[at] * bx - bw / 2
        bbox[boxed, 1] = values[at + 1] * by - bh / 2
        bbox[boxed, 2] = bw
        bbox[boxed, 3] = bh
    return bbox


BLOCK = 1 << 16  # values a step of _compact and _scale: temporaries of 0.5 MB


def _compact(values: np.ndarray, lo: int, hi: int, keep: np.ndarray) -> int:
    """``values[lo:hi][keep]`` moved to ``values[lo:]``, in place, block by block: how many.
    Each block is copied out before it is written, and a write never passes the block read,
    so every value is read before it can be written over."""
    at = lo
    for a in range(lo, hi, BLOCK):
        b = min(a + BLOCK, hi)
        got = values[a:b][keep[a - lo:b - lo]]
        values[at:at + len(got)] = got
        at += len(got)
    return at - lo


def _scale(vertices: np.ndarray, ring_lens: np.ndarray, sx: np.ndarray,
           sy: np.ndarray) -> None:
    """x of each ring's vertices times its ``sx``, y times its ``sy``, in place (the products
    of ``vertices[:, 0] *= np.repeat(sx, ring_lens)``), a block of rings at a time."""
    ends = np.cumsum(ring_lens)
    cuts = np.searchsorted(ends, np.arange(BLOCK, ends[-1], BLOCK)) if len(ends) else []
    r0 = 0
    for r1 in [*np.asarray(cuts).tolist(), len(ring_lens)]:
        if r1 <= r0:
            continue
        lens = ring_lens[r0:r1]
        v0 = int(ends[r0 - 1]) if r0 else 0
        part = vertices[v0:int(ends[r1 - 1])]
        part[:, 0] *= np.repeat(sx[r0:r1], lens)
        part[:, 1] *= np.repeat(sy[r0:r1], lens)
        r0 = r1


def _join(parts: list[np.ndarray], dtype) -> np.ndarray:
    """np.concatenate(parts), each part let go once copied (``parts`` ends empty): the
    memory of the whole once, not twice (a segment delivery's values are 60 MB and more)."""
    out = np.empty(sum(len(p) for p in parts), dtype=dtype)
    at = 0
    parts.reverse()
    while parts:
        p = parts.pop()
        out[at:at + len(p)] = p
        at += len(p)
        del p
    return out


def _add_columns(b: TableBuilder, ra: int, rz: int, file_of_row, count, cls, line, values,
                 voff, names, kpt, seg_dataset: bool, file_index, image_index, widths,
                 heights) -> None:
    """Rows ``ra:rz`` of the scanned columns (boxes, polygons, pose, oriented boxes of
    regular files) added at once, by the row-by-row path's operations on the same floats."""
    f = file_of_row[ra:rz]
    n = count[ra:rz]
    c = cls[ra:rz]
    k = rz - ra
    sx, sy = widths[f], heights[f]
    known = (c < len(names)) if names else np.zeros(k, dtype=bool)
    label = np.array([*(names or []), None], dtype=object)[np.where(known, c, len(names or []))]
    pose = (n == 5 + kpt[0] * kpt[1]) if kpt else np.zeros(k, dtype=bool)
    boxed = np.flatnonzero((n == 5) | pose)  # a box from the first four values
    poly = (n != 5) & ~pose  # a ring: polygons and oriented boxes
    obb = poly & (n == 9) if not seg_dataset else np.zeros(k, dtype=bool)
    shape = np.full(k, int(Shape.BOX), dtype=np.int8)
    shape[poly] = int(Shape.POLYGON)
    shape[obb] = int(Shape.ROTATED_BOX)
    shape[pose] = int(Shape.KEYPOINTS)
    bbox = _boxes(values, voff[ra + boxed], sx[boxed], sy[boxed], boxed, k)
    del boxed
    kp = kp_per_row = None
    if pose.any():
        nk, nd = kpt
        rows = np.flatnonzero(pose)
        at = voff[ra + rows][:, None] + 4 + np.arange(nk) * nd  # each keypoint's x
        x, y = values[at], values[at + 1]
        v = values[at + 2] if nd == 3 else np.where((x == 0) & (y == 0), 0.0, 2.0)
        kp = np.stack([x * sx[rows][:, None], y * sy[rows][:, None], v], axis=2)
        kp_per_row = np.where(pose, nk, 0)
    ring_lens = (n[poly] - 1) // 2
    # the ring rows' values, then x by the width and y by the height of each one's image:
    # moved to the front of the rows' own span of ``values`` and scaled there, block by block
    # (the values of the boxes and keypoints are read above), so the vertices take no new
    # array and no column a vertex (a segment delivery's values are 60 MB and more)
    lo = int(voff[ra])
    nv = _compact(values, lo, int(voff[rz]), np.repeat(poly, n - 1))
    vertices = values[lo:lo + nv].reshape(-1, 2)
    _scale(vertices, ring_lens, sx[poly], sy[poly])
    del sx, sy
    rotation = None
    if obb.any():  # box and angle from the corners, by math's functions as _row does
        rotation = np.zeros(k)
        starts = np.concatenate([[0], np.cumsum(ring_lens)[:-1]])[obb[poly]]
        for r, s in zip(np.flatnonzero(obb).tolist(), starts.tolist(), strict=True):
            (x0, y0), (x1, y1), (x2, y2) = vertices[s:s + 3].tolist()
            bw, bh = math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x1, y2 - y1)
            cx, cy = (x0 + x2) / 2, (y0 + y2) / 2
            rot = math.degrees(math.atan2(y1 - y0, x1 - x0)) if bw == bw else 0.0
            bbox[r] = (cx - bw / 2, cy - bh / 2, bw, bh)
            rotation[r] = rot if rot == rot else 0.0
    b.add_columns(image_index=image_index[f], label=label, label_id=np.where(known, -1, c),
                  shape=shape, bbox=bbox, src_file=file_index[f], src_line=line[ra:rz],
                  vertices=vertices, rings_per_row=poly.astype(np.int64), ring_lens=ring_lens,
                  rotation=rotation, kp=kp, kp_per_row=kp_per_row)


def _unlabelled_images(tree: list | None, seen_images: set, b: TableBuilder) -> None:
    """Images in ``images/`` without a label file: images with no objects."""
    for r, names, _ in tree or ():
        if os.sep + "images" not in r + os.sep and not r.endswith("images"):
            continue
        absolute = os.path.join(os.path.abspath(r), "")
        for f in names:
            # absolute + f is abspath(join(r, f)): a file name is one plain component
            if absolute + f not in seen_images and f.lower().endswith(IMAGE_EXT):
                full = os.path.join(r, f)
                size = size_of_file(full)
                fi = b.add_file(full, NAME)
                b.add_image(os.path.splitext(f)[0], full,
                            size[0] if size else None, size[1] if size else None,
                            src_file=fi)


def _read_python(labels, names, kpt, ctx, b: TableBuilder, listings: dict) -> set:
    parsed = []
    seg_dataset = False
    boxed: list[bytes] = []
    for lp in labels:
        try:
            data = inputs.read_bytes(lp)
            data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
            if _BOX_FILE.fullmatch(data):  # box rows only (ASCII): numpy reads them all below
                parsed.append((lp, len(boxed)))
                boxed.append(data)
                continue
            if FAST and _NUMERIC_FILE.fullmatch(data):  # numbers only: numpy below
                counts = [len(line.split()) for line in data.splitlines()]
                parsed.append((lp, (data, counts)))
                seg_dataset = seg_dataset or any(
                    n > 9 and n % 2 == 1 and not (kpt and n == 5 + kpt[0] * kpt[1])
                    for n in counts)
                continue
            text = data.decode("utf-8")
        except OSError as exc:
            ctx.report(V001(f"cannot read: {exc.strerror or exc}", file=lp))
            continue
        except UnicodeDecodeError:
            ctx.report(V002("label file is not UTF-8 text", file=lp))
            continue
        rows = []
        for ln, line in enumerate(text.splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            rows.append((ln, parts))
            if len(parts) > 9 and len(parts) % 2 == 1 and not (
                    kpt and len(parts) == 5 + kpt[0] * kpt[1]):
                seg_dataset = True
        parsed.append((lp, rows))
    box_files = _BoxFiles(boxed, names) if boxed and FAST else None
    seen_images = set()
    prog = progress.active()
    counted = b.rows
    for lp, rows in parsed:
        if prog is not None:
            prog.add_rows(b.rows - counted)
            counted = b.rows
        fi = b.add_file(lp, NAME)
        img_path = _image_for(lp, ctx, listings)
        size = size_of_file(img_path) if img_path else None
        if img_path is None:
            ctx.report(V019("no image with the same name beside the labels (images/ folder "
                            "or --images)", file=lp))
        elif size is None:
            ctx.report(V014(f"cannot read the size of {img_path}", file=lp))
        w, h = (float(size[0]), float(size[1])) if size else (None, None)
        name = img_path or os.path.splitext(lp)[0]
        if img_path:
            seen_images.add(os.path.abspath(img_path))
        img = b.add_image(os.path.splitext(os.path.basename(lp))[0], name, w, h, src_file=fi)
        if isinstance(rows, int):  # a box-only file
            if box_files is not None and box_files.add(rows, fi, img, w, h, b):
                continue
            rows = [(ln, line.split()) for ln, line
                    in enumerate(boxed[rows].decode().splitlines(), 1) if line.split()]
        if isinstance(rows, tuple):  # a numeric file
            data, counts = rows
            if _numeric_rows(data, counts, fi, img, w, h, names, kpt, seg_dataset, b):
                continue
            rows = [(ln, line.split()) for ln, line
                    in enumerate(data.decode().splitlines(), 1) if line.split()]
        for ln, parts in rows:
            _row(parts, ln, lp, fi, img, w, h, names, kpt, seg_dataset, ctx, b)
    return seen_images


def _row(parts, ln, lp, fi, img, w, h, names, kpt, seg_dataset, ctx, b: TableBuilder) -> None:
    where = dict(src_file=fi, src_line=ln)
    try:
        cls = int(parts[0])
        vals = [float(v) for v in parts[1:]]
    except ValueError:
        ctx.report(V017(f"row is not a class index followed by numbers: {' '.join(parts)!r:.60}",
                        file=lp).with_position(ln, 1))
        return
    if any(not math.isfinite(v) or abs(v) > 1e9 for v in vals):
        ctx.report(V009("row holds a NaN, infinite or huge value", file=lp).with_position(ln, 1))
        return
    n = len(parts)
    label = names[cls] if names and 0 <= cls < len(names) else None
    sx = w if w is not None else math.nan
    sy = h if h is not None else math.nan
    # a YOLO class index is a position in ``names``, not a spec id: with a name it says
    # nothing more (and must not be read as an id, V104); without one it is all there is
    common = dict(image_index=img, label=label, label_id=cls if label is None else -1,
                  **where)

    def box(v):
        xc, yc, bw, bh = v[0] * sx, v[1] * sy, v[2] * sx, v[3] * sy
        return (xc - bw / 2, yc - bh / 2, bw, bh)

    if kpt and n == 5 + kpt[0] * kpt[1]:
        k, nd = kpt
        kps = []
        for i in range(k):
            x, y = vals[4 + i * nd], vals[5 + i * nd]
            v = vals[6 + i * nd] if nd == 3 else (0.0 if x == 0 and y == 0 else 2.0)
            kps.append((x * sx, y * sy, v))
        b.add_annotation(shape=Shape.KEYPOINTS, bbox=box(vals), keypoints=kps, **common)
    elif n == 5:
        b.add_annotation(shape=Shape.BOX, bbox=box(vals), **common)
    elif n == 9 and not seg_dataset:
        pts = [(vals[i] * sx, vals[i + 1] * sy) for i in range(0, 8, 2)]
        (x0, y0), (x1, y1), (x2, y2) = pts[0], pts[1], pts[2]
        bw, bh = math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x1, y2 - y1)
        cx, cy = (x0 + x2) / 2, (y0 + y2) / 2
        rot = math.degrees(math.atan2(y1 - y0, x1 - x0)) if bw == bw else 0.0
        b.add_annotation(shape=Shape.ROTATED_BOX, bbox=(cx - bw / 2, cy - bh / 2, bw, bh),
                         rotation=rot if rot == rot else 0.0, rings=[pts], **common)
    elif n >= 7 and n % 2 == 1:
        pts = [(vals[i] * sx, vals[i + 1] * sy) for i in range(0, n - 1, 2)]
        b.add_annotation(shape=Shape.POLYGON, rings=[pts], **common)
    else:
        hint = (f" (pose rows need {5 + kpt[0] * kpt[1]})" if kpt else "")
        ctx.report(V017(f"row has {n} values; YOLO rows have 5 (box), 9 (oriented box), an "
                        f"odd number >= 7 (polygon){hint}", file=lp).with_position(ln, 1))


READER = Reader(
    name=NAME,
    description="YOLO txt labels (detect, segment, pose, OBB) with data.yaml; sizes from "
                "image headers",
    detect=_detect,
    read=read,
    extensions=(".txt", ".yaml", ".yml"),
)
