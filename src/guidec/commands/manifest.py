"""guidec manifest: a delivery's manifest for the handoff to training; verified by
``guidec validate --manifest``.

A manifest is JSON, written with sorted keys, two-space indents and a trailing newline, so the
same inputs give the same bytes (no timestamp unless one is given with ``--meta``)::

    {"manifest": 1,
     "batch": "batch-03",
     "spec": {"id", "version", "path", "sha256", "files": [{"path", "size", "sha256"}, ...]},
     "files": [{"path", "size", "sha256"}, ...],
     "counts": {"images", "annotations", "classes": {name: n},
                "splits": {split: {"images", "annotations", "classes"}}},
     "images": [{"name", "size", "sha256"}, ...],      # with --images only
     "meta": {key: value}}

* ``spec.sha256`` is the SHA-256 of, for the spec file and then each file it includes (in the
  order the loader reads them: depth first, each ``include:`` list in order), the file's path
  relative to the spec's folder (POSIX), a newline, its size in bytes in decimal, a newline and
  its bytes. ``spec.files`` lists the same files in the same order. ``spec.path``: the spec
  file relative to the manifest's folder (a verifier given another version diffs the two).
* ``files``: every delivery file: a file argument itself, every file under a folder argument
  (hidden files left out; the manifest is never written inside a delivery folder). Paths are relative to the manifest's folder
  with ``/`` separators, sorted.
* ``counts.classes``: annotations per class as the one class resolver
  (:func:`guidec.labels.resolve_labels`) reads them; a label the spec does not know counts
  under ``"(unknown)"``. ``counts.splits``: the same per split, for rows whose file, or a
  folder on its way, has a stem equal to one of the spec's ``splits.names``.
* ``batch``: ``--batch``, else the first delivery argument's name without its extension (as
  ``guidec qa --record`` names a batch).
"""

from __future__ import annotations

import hashlib
import json
import os

from guidec.commands._common import (
    add_input_options,
    add_report_options,
    apply_input_options,
    jobs_of,
    project_or_report,
    report,
)

NAME = "manifest"
ORDER = 32
HELP = "write a delivery's manifest (spec id, version and hash; file sizes and SHA-256; " \
       "counts per class and split) for guidec validate --manifest"
DESCRIPTION = HELP + ". Exit 0 written, 1 findings at or above --fail-on, 2 could not run."
FORMATS = ["human", "json", "junit", "sarif", "github", "summary"]
VERSION = 1  # the manifest format
UNKNOWN = "(unknown)"
CANNOT_READ = ("V001", "V003")
CHUNK = 1 << 20


def add_arguments(p) -> None:
    from guidec.readers import READERS

    p.add_argument("files", nargs="+", metavar="DELIVERY", help="delivery files or folders")
    p.add_argument("--spec", required=True, metavar="SPEC", help="the spec the labels follow")
    p.add_argument("--out", required=True, metavar="MANIFEST",
                   help="the manifest to write (JSON); its folder is where listed paths start")
    p.add_argument("--batch", metavar="ID",
                   help="the batch id (default: the first DELIVERY's name without its "
                        "extension)")
    p.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE", type=_meta,
                   help="free metadata (model checkpoint, tool and export version, a date); "
                        "repeatable")
    p.add_argument("--images", metavar="DIR",
                   help="also record the size and SHA-256 of every image the delivery names, "
                        "found under DIR")
    p.add_argument("--input-format", choices=READERS.names(), metavar="F",
                   help="delivery format (default: detected per file)")
    add_input_options(p)
    add_report_options(p, formats=FORMATS)


def _meta(text: str) -> tuple[str, str]:
    import argparse

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, not {text!r}")
    return key.strip(), value


# --------------------------------------------------------------------------- hashing
def file_digest(path: str) -> tuple[int, str]:
    """``(size, sha256 hex)`` of a regular file, read in chunks and noted as an input."""
    from guidec.inputs import open_regular

    h = hashlib.sha256()
    size = 0
    with open_regular(path) as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def spec_digest(project) -> dict:
    """``{"sha256", "files"}`` of the spec and its includes (see the module docstring)."""
    from guidec.inputs import read_bytes

    loaded = project.loaded
    folder = os.path.realpath(loaded.folder)
    h = hashlib.sha256()
    files = []
    for path in (loaded.path, *loaded.includes):
        rel = _posix(os.path.relpath(os.path.realpath(path), folder))
        data = read_bytes(path)
        h.update(f"{rel}\n{len(data)}\n".encode())
        h.update(data)
        files.append({"path": rel, "size": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()})
    return {"sha256": h.hexdigest(), "files": files}


def _posix(rel: str) -> str:
    return rel.replace(os.sep, "/")


def rel_to(path: str, base: str) -> str:
    """``path`` relative to the folder ``base``, POSIX separators."""
    return _posix(os.path.relpath(os.path.abspath(path), os.path.abspath(base)))


def delivery_files(args_files: list[str], skip: str | None = None) -> list[str]:
    """Every delivery file: file arguments themselves, every file under folder arguments
    (hidden files and ``skip``, the manifest, left out); sorted, each once."""
    out: set[str] = set()
    skip_real = os.path.realpath(skip) if skip else None
    for arg in args_files:
        if os.path.isdir(arg):
            for root, dirs, names in os.walk(arg):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in names:
                    if not n.startswith("."):
                        out.add(os.path.join(root, n))
        elif os.path.exists(arg):
            out.add(arg)
    return sorted(p for p in out if os.path.realpath(p) != skip_real)


def listing(files: list[str], base: str) -> dict[str, dict]:
    """``{relative path: {"path", "size", "sha256"}}`` of delivery files."""
    out = {}
    for f in files:
        size, digest = file_digest(f)
        rel = rel_to(f, base)
        out[rel] = {"path": rel, "size": size, "sha256": digest}
    return out


# --------------------------------------------------------------------------- counts
def _split_of(path: str, roots: list[str], names: set[str]) -> str | None:
    """The split a delivery file belongs to: its stem, or a folder's name between it and the
    delivery argument it came from (the argument included)."""
    ap = os.path.abspath(path)
    root = max((r for r in roots if ap == r or ap.startswith(r.rstrip(os.sep) + os.sep)),
               key=len, default=None)
    parts = [os.path.splitext(os.path.basename(ap))[0]]
    if root is not None:
        parts += list(reversed(os.path.relpath(ap, os.path.dirname(root)).split(os.sep)[:-1]))
    for part in parts:
        stem = os.path.splitext(part)[0]
        if stem in names:
            return stem
    return None


def counts(table, project, args_files: list[str]) -> dict:
    """Images, annotations and annotations per class, overall and per split."""
    import numpy as np

    from guidec.labels import resolve_labels

    names = [c.name for c in project.classes] + [UNKNOWN]
    cls = resolve_labels(table, project).cls
    idx = np.where(cls < 0, len(names) - 1, cls)

    def per_class(rows) -> dict[str, int]:
        n = np.bincount(idx[rows], minlength=len(names))
        return {names[i]: int(n[i]) for i in np.flatnonzero(n)}

    out = {"images": len(table.images), "annotations": len(table),
           "classes": per_class(np.arange(len(table)))}
    splits = project.spec.splits
    split_names = set(splits.names) if splits and splits.names else set()
    out["splits"] = {}
    if split_names:
        roots = [os.path.abspath(a) for a in args_files]
        of_file = np.array([_split_of(f.path, roots, split_names) or "" for f in table.files]
                           + [""], dtype=object)
        ann_split = of_file[table.src_file] if len(table) else np.zeros(0, dtype=object)
        img_split = of_file[table.images.src_file] if len(table.images) else \
            np.zeros(0, dtype=object)
        for s in sorted(split_names):
            rows = np.flatnonzero(ann_split == s)
            imgs = int(np.count_nonzero(img_split == s))
            if len(rows) or imgs:
                out["splits"][s] = {"images": imgs, "annotations": len(rows),
                                    "classes": per_class(rows)}
    return out


# --------------------------------------------------------------------------- images
def image_entries(table, root: str) -> tuple[list[dict], list[str]]:
    """``([{"name", "size", "sha256"}], [names not found])``: each distinct image once, by
    its name under ``root`` (POSIX), sorted."""
    from guidec.imagesize import find_image

    found: dict[str, dict] = {}
    missing = []
    for name in sorted({str(n) for n in table.images.file_name}):
        p = find_image(name, root)
        if p is None:
            missing.append(name)
            continue
        rel = rel_to(p, root)
        if rel not in found:
            size, digest = file_digest(p)
            found[rel] = {"name": rel, "size": size, "sha256": digest}
    return [found[k] for k in sorted(found)], missing


# --------------------------------------------------------------------------- the command
def default_batch(files: list[str]) -> str:
    first = os.path.basename(os.path.normpath(files[0])) or "batch"
    return os.path.splitext(first)[0] or first


def build(args, project, result, out_path: str) -> tuple[dict, list]:
    """The manifest of a read delivery, and the findings made while building it."""
    from guidec.codes import code

    base = os.path.dirname(os.path.abspath(out_path))
    files = listing(delivery_files(list(args.files), skip=out_path), base)
    doc = {
        "manifest": VERSION,
        "batch": args.batch or default_batch(list(args.files)),
        "spec": {"id": project.spec.project.id, "version": project.spec.project.version,
                 "path": rel_to(project.loaded.path, base), **spec_digest(project)},
        "files": [files[k] for k in sorted(files)],
        "counts": counts(result.table, project, list(args.files)),
        "meta": dict(sorted(args.meta)),
    }
    diags = []
    if args.images:
        images, missing = image_entries(result.table, args.images)
        doc["images"] = images
        for name in missing:
            diags.append(code("H012")(f"image {name!r} of the delivery is not under "
                                      f"{args.images}: its hash is not recorded",
                                      file=args.images, image=name))
    return doc, diags


def _folder_holding(path: str, args_files: list[str]) -> str | None:
    """The delivery folder argument ``path`` would lie inside, or None."""
    real = os.path.realpath(path)
    for arg in args_files:
        if os.path.isdir(arg):
            folder = os.path.realpath(arg)
            if os.path.commonpath([real, folder]) == folder:
                return arg
    return None


def dumps(doc: dict) -> bytes:
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def run(args, out, err) -> int:
    from guidec.output import write_atomic
    from guidec.readers import read_delivery
    from guidec.report import Context, render

    apply_input_options(args)
    project = project_or_report(args.spec, "manifest", err)
    if project is None:
        return 2
    inside = _folder_holding(args.out, list(args.files))
    if inside is not None:
        err.write(f"guidec: error: refusing to write {args.out}: it is inside {inside}, a "
                  "delivery folder (the next read of the folder would take the manifest for a "
                  "delivery file); write it beside the folder\n")
        return 2
    from guidec.progress import Progress

    with Progress(err):  # a line on a terminal while a large delivery is read
        result = read_delivery(list(args.files), args.input_format, image_root=args.images,
                               project=project, jobs=jobs_of(args))
    unread = [d for d in result.diagnostics if d.code in CANNOT_READ]
    if unread:
        err.write(render(unread, "human", Context("manifest")))
        err.write("guidec: error: the delivery could not be read; no manifest written\n")
        return 2
    doc, diags = build(args, project, result, args.out)
    write_atomic(args.out, dumps(doc))
    c = doc["counts"]
    err.write(f"guidec: wrote {args.out}: {len(doc['files'])} files, {c['images']} images, "
              f"{c['annotations']} annotations (batch {doc['batch']})\n")
    ctx = Context("manifest", files=[d["path"] for d in doc["files"]],
                  extra={"manifest": args.out, "batch": doc["batch"]})
    return report(diags, args, out, ctx)


# --------------------------------------------------------------------------- verifying
def verify(manifest_path: str, project, result, args_files: list[str],
           image_root: str | None = None) -> list:
    """Findings (H codes) where the delivery, the spec or the images differ from the
    manifest; only H001 when the manifest cannot be read."""
    from guidec.codes import code
    from guidec.inputs import InputRefused, read_bytes

    try:
        doc = json.loads(read_bytes(manifest_path))
        _check_shape(doc)
    except (OSError, InputRefused, ValueError, TypeError, KeyError) as exc:
        return [code("H001")(f"cannot read the manifest: {exc}", file=manifest_path)]
    m = manifest_path
    diags = []
    spec = doc["spec"]
    sid, sver = project.spec.project.id, project.spec.project.version
    if spec["id"] != sid:
        diags.append(code("H002")(
            f"the manifest is for spec {spec['id']!r}, the spec given is {sid!r}",
            file=m, path=("spec", "id"), expected=spec["id"], found=sid))
    elif spec["version"] != sver:
        diags.append(code("H003")(
            f"the manifest names {spec['id']} version {spec['version']}, the spec given is "
            f"version {sver}", file=m, path=("spec", "version"),
            hint=_version_hint(spec, project, manifest_path),
            expected=spec["version"], found=sver))
    else:
        now = spec_digest(project)
        if now["sha256"] != spec["sha256"]:
            was = {f["path"]: f for f in spec.get("files") or []}
            changed = [f["path"] for f in now["files"]
                       if was.get(f["path"], {}).get("sha256") != f["sha256"]]
            changed += [p for p in was if p not in {f["path"] for f in now["files"]}]
            diags.append(code("H004")(
                f"spec {sid} {sver} has other contents than the manifest names (sha256 "
                f"{spec['sha256'][:12]}..., found {now['sha256'][:12]}...; changed: "
                f"{', '.join(changed) or 'file order'})", file=m, path=("spec", "sha256"),
                hint="a spec edited without a version bump; bump its version",
                expected=spec["sha256"], found=now["sha256"]))
    base = os.path.dirname(os.path.abspath(manifest_path))
    listed = {f["path"]: f for f in doc["files"]}
    given = delivery_files(args_files, skip=manifest_path)
    given_rel = {rel_to(p, base): p for p in given}
    for i, rel in enumerate(sorted(listed)):
        want = listed[rel]
        path = os.path.join(base, *rel.split("/"))
        if not os.path.isfile(path):
            diags.append(code("H005")(f"{rel} is listed in the manifest but missing",
                                      file=m, path=("files", i), expected=want["sha256"],
                                      found=None, delivery_file=rel))
            continue
        size, digest = file_digest(path)
        if size != want["size"] or digest != want["sha256"]:
            diags.append(code("H006")(
                f"{rel} differs from the manifest: size {want['size']} sha256 "
                f"{want['sha256'][:12]}... expected, found size {size} sha256 "
                f"{digest[:12]}...", file=os.path.relpath(path),
                expected={"size": want["size"], "sha256": want["sha256"]},
                found={"size": size, "sha256": digest}, delivery_file=rel))
    for rel in sorted(set(given_rel) - set(listed)):
        diags.append(code("H007")(f"{rel} is a delivery file the manifest does not list",
                                  file=given_rel[rel], expected=None, found=rel,
                                  delivery_file=rel))
    now = counts(result.table, project, args_files)
    was = doc["counts"]
    for key in ("images", "annotations"):
        if was.get(key) != now[key]:
            diags.append(code("H008")(f"{now[key]} {key} delivered, the manifest counts "
                                      f"{was.get(key)}", file=m, path=("counts", key),
                                      expected=was.get(key), found=now[key]))
    diags += _class_diffs(was.get("classes") or {}, now["classes"], m, ("counts", "classes"),
                          "")
    was_s, now_s = was.get("splits") or {}, now["splits"]
    for s in sorted(set(was_s) | set(now_s)):
        a, b = was_s.get(s) or {}, now_s.get(s) or {}
        for key in ("images", "annotations"):
            if a.get(key, 0) != b.get(key, 0):
                diags.append(code("H010")(
                    f"split {s}: {b.get(key, 0)} {key} delivered, the manifest counts "
                    f"{a.get(key, 0)}", file=m, path=("counts", "splits", s, key),
                    split=s, expected=a.get(key, 0), found=b.get(key, 0)))
        diags += _class_diffs(a.get("classes") or {}, b.get("classes") or {}, m,
                              ("counts", "splits", s, "classes"), s)
    if not image_root and doc.get("images"):
        # the manifest records image hashes the run cannot check: said, not skipped
        diags.append(code("H012")(f"the manifest records {len(doc['images']):,} image "
                                  f"hash(es); give --images DIR to verify them", file=m,
                                  path=("images",)))
    if image_root and "images" in doc:
        for i, want in enumerate(doc["images"]):
            path = os.path.join(image_root, *want["name"].split("/"))
            if not os.path.isfile(path):
                diags.append(code("H012")(f"image {want['name']} is listed in the manifest "
                                          f"but not under {image_root}", file=m,
                                          path=("images", i), image=want["name"]))
                continue
            size, digest = file_digest(path)
            if size != want["size"] or digest != want["sha256"]:
                diags.append(code("H011")(
                    f"image {want['name']} differs from the manifest: size {want['size']} "
                    f"sha256 {want['sha256'][:12]}... expected, found size {size} sha256 "
                    f"{digest[:12]}...", file=m, path=("images", i), image=want["name"],
                    expected={"size": want["size"], "sha256": want["sha256"]},
                    found={"size": size, "sha256": digest}))
    return diags


def _version_hint(spec: dict, project, manifest_path: str) -> str:
    """``guidec diff OLD NEW`` for the manifest's spec version and the one given, with the
    diff's one-line summary when the spec the manifest was written with (``spec.path``) is
    still there at that version."""
    from guidec.diagnostics import GuidecError

    given = project.loaded.path
    generic = (f"see what changed: guidec diff OLD NEW, with the spec of version "
               f"{spec['version']} and {given} (the older first)")
    rel = spec.get("path")
    if not isinstance(rel, str):
        return generic
    then = os.path.normpath(os.path.join(os.path.dirname(manifest_path), *rel.split("/")))
    try:
        from guidec.view import load_project

        other = load_project(then)
    except (GuidecError, OSError):
        return generic
    if (other.spec.project.id, other.spec.project.version) != (spec["id"], spec["version"]):
        return generic
    from guidec.diff import diff_projects, required_bump
    from guidec.diff.semver import parse

    old, new = (other, project) if (parse(spec["version"]) or (0,)) <= (
        parse(project.spec.project.version) or (0,)) else (project, other)
    changes = diff_projects(old, new)
    return (f"see what changed: guidec diff {old.loaded.path} {new.loaded.path} "
            f"({old.spec.project.version} -> {new.spec.project.version}: {len(changes)} "
            f"change(s); required bump: {required_bump(changes).name.lower()})")


def _class_diffs(was: dict, now: dict, m: str, path: tuple, split: str) -> list:
    from guidec.codes import code

    out = []
    where = f"split {split}: " if split else ""
    for name in sorted(set(was) | set(now)):
        a, b = was.get(name, 0), now.get(name, 0)
        if a != b:
            c = "H010" if split else "H009"
            out.append(code(c)(f"{where}class {name}: {b} annotations delivered, the "
                               f"manifest counts {a}", file=m, path=(*path, name),
                               expected=a, found=b, **{"class": name},
                               **({"split": split} if split else {})))
    return out


def _check_shape(doc) -> None:
    if not isinstance(doc, dict) or doc.get("manifest") != VERSION:
        raise ValueError(f"not a guidec manifest (format {VERSION})")
    spec = doc["spec"]
    for key in ("id", "version", "sha256"):
        if not isinstance(spec[key], str):
            raise ValueError(f"spec.{key} is not a string")
    for f in doc["files"]:
        if not (isinstance(f["path"], str) and isinstance(f["size"], int)
                and isinstance(f["sha256"], str)):
            raise ValueError("a files entry is not {path, size, sha256}")
    if not isinstance(doc["counts"], dict):
        raise ValueError("counts is not an object")


def listed_files(manifest_path: str) -> list[str]:
    """The delivery files a manifest lists that exist (paths as this process opens them);
    ``[]`` when it cannot be read (``verify`` reports why)."""
    try:
        with open(manifest_path, "rb") as fh:
            doc = json.loads(fh.read())
        base = os.path.dirname(manifest_path)
        paths = [os.path.join(base, *f["path"].split("/")) for f in doc["files"]]
    except (OSError, ValueError, TypeError, KeyError):
        return []
    return [p for p in paths if os.path.isfile(p)]
