"""Image integrity for the handoff gate: what each image file of a delivery really is, against
what the delivery declares and the spec's ``media`` expects (``guidec handoff --images``).

Per image (found under the images folder as :func:`guidec.imagesize.find_image` finds it):

- readable at all (Pillow opens it; DICOM through pydicom, an optional extra), within Pillow's
  decompression-bomb bound;
- **truncated**: a JPEG whose last 4 KB hold no end-of-image marker (entropy-coded data never
  holds ``FF D9``: a ``FF`` byte there is stuffed with ``00``), a PNG without its ``IEND``
  chunk at the end; with ``verify_pixels`` every image is also checked by Pillow's ``verify``
  (PNG chunk checksums) and decoded whole (a file damaged in the middle; a JPEG damaged in its
  entropy-coded data may still decode, libjpeg fills it in, and is not found);
- its pixel size against the width and height the delivery declares (and, when the EXIF
  orientation turns it, against the turned size);
- an **EXIF orientation** other than 1 (JPEG, TIFF, WebP): viewers show the image turned or
  mirrored, while the pixels (and most training loaders) are not, so labels drawn on one are
  wrong on the other;
- several pages or frames (a multi-page TIFF, an animated GIF);
- the file format against ``media.formats``, the colour mode against ``media.color``;
- the **JPEG quality**, estimated from the luminance quantization table as the IJG quality
  (1-100) whose scaled standard table is nearest to it, against ``media.jpeg_quality_min``;
- **DICOM** headers: Rows and Columns against the declared size; with ``media.deidentified``,
  ``BurnedInAnnotation`` = YES and the patient-identifying attributes of :data:`PHI_TAGS`
  present with a value.

Nothing here raises for a bad file: every problem is a :class:`Problem`, and the caller words
the finding.
"""

from __future__ import annotations

import functools
import io
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

from guidec import inputs

#: The spec's format names, by Pillow's.
FORMAT_NAMES = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "TIFF": "tiff", "WEBP": "webp",
                "BMP": "bmp", "GIF": "gif", "DICOM": "dicom"}
#: Pillow modes by the spec's ``media.color``; multispectral takes any mode.
COLOR_MODES = {
    "rgb": {"RGB", "RGBA", "RGBX", "P", "PA", "YCbCr", "CMYK", "LAB", "HSV"},
    "grayscale": {"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F", "La"},
}
#: DICOM attributes that identify a patient or the people and places of the study: a subset of
#: the PS3.15 Annex E basic de-identification profile (the ones a delivery most often keeps).
PHI_TAGS = ("PatientName", "PatientID", "PatientBirthDate", "PatientAddress",
            "PatientTelephoneNumbers", "OtherPatientIDs", "OtherPatientNames",
            "PatientMotherBirthName", "MedicalRecordLocator", "ReferringPhysicianName",
            "PerformingPhysicianName", "OperatorsName", "InstitutionName",
            "InstitutionAddress", "AccessionNumber")
TAIL = 4096  # bytes at the end of a JPEG searched for its end-of-image marker

# the IJG standard luminance quantization table (JPEG Annex K), natural order
_STD_LUMA = (16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
             14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
             18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
             49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99)


@dataclass
class Facts:
    """What one image file is."""

    path: str
    format: str | None = None  # the spec's name: jpeg, png, tiff, dicom, ...
    width: int | None = None
    height: int | None = None
    mode: str | None = None
    frames: int = 1
    orientation: int = 1  # EXIF
    quality: int | None = None  # estimated JPEG quality
    unreadable: str | None = None  # why it could not be read
    truncated: str | None = None
    dicom: dict = field(default_factory=dict)  # rows, columns, burned_in, phi (tag names)
    dicom_unchecked: bool = False  # a DICOM file, and pydicom is not installed


def jpeg_quality(tables: dict) -> int | None:
    """The IJG quality (1-100) whose scaled standard luminance table is nearest to table 0 of
    ``tables`` (Pillow's ``im.quantization``); compared as sorted values, so the order the
    table is given in does not matter. None without a luminance table."""
    t = tables.get(0) if tables else None
    if not t or len(t) != 64:
        return None
    return _quality_of(tuple(sorted(int(v) for v in t)))


@functools.lru_cache(maxsize=256)  # an encoder writes the same tables into every file
def _quality_of(have: tuple[int, ...]) -> int:
    best, best_err = 1, None
    for q in range(1, 101):
        scale = 5000 / q if q < 50 else 200 - 2 * q
        want = sorted(min(max((v * scale + 50) // 100, 1), 255) for v in _STD_LUMA)
        err = sum(abs(a - b) for a, b in zip(have, want, strict=True))
        if best_err is None or err < best_err:
            best, best_err = q, err
    return best


def _is_dicom(path: str, head: bytes) -> bool:
    return head[128:132] == b"DICM" or path.lower().endswith((".dcm", ".dicom"))


def _dicom(path: str, facts: Facts) -> None:
    facts.format = "dicom"
    try:
        import pydicom
    except ImportError:
        facts.dicom_unchecked = True
        return
    log = logging.getLogger("pydicom")  # the report is the only output: no pydicom chatter
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        rows, cols = ds.get("Rows"), ds.get("Columns")
        facts.height = int(rows) if rows is not None else None
        facts.width = int(cols) if cols is not None else None
        facts.frames = int(ds.get("NumberOfFrames") or 1)
        facts.dicom = {
            "burned_in": str(ds.get("BurnedInAnnotation", "")).strip().upper() == "YES",
            "phi": [t for t in PHI_TAGS if str(ds.get(t, "") or "").strip()],
        }
    except Exception as exc:  # any damaged header is "unreadable"
        facts.unreadable = f"not a readable DICOM file ({type(exc).__name__}: {exc})"[:200]
    finally:
        log.setLevel(level)


def inspect(path: str, verify_pixels: bool = False) -> Facts:
    """The facts of the image file at ``path`` (never raises)."""
    facts = Facts(path)
    try:
        data = inputs.read_bytes(path)
    except OSError as exc:
        facts.unreadable = f"cannot read: {exc.strerror or exc}"
        return facts
    if _is_dicom(path, data[:132]):
        _dicom(path, facts)
        return facts
    try:
        from PIL import Image
    except ImportError:  # the caller checked; a worker without Pillow says so
        facts.unreadable = "Pillow is not installed (pip install 'guidec[images]')"
        return facts
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning and EXIF noise
            with Image.open(io.BytesIO(data)) as im:
                facts.format = FORMAT_NAMES.get(im.format or "", (im.format or "").lower())
                facts.width, facts.height = im.size
                facts.mode = im.mode
                facts.frames = int(getattr(im, "n_frames", 1) or 1)
                # EXIF sits in the header of JPEG, TIFF and WebP; Pillow finds a PNG's eXIf
                # chunk only by decoding every pixel, so PNG orientation is not read (rare)
                if facts.format in ("jpeg", "tiff", "webp"):
                    try:
                        facts.orientation = int(im.getexif().get(0x0112, 1) or 1)
                    except Exception:  # a damaged EXIF block: no orientation
                        facts.orientation = 1
                if facts.format == "jpeg":
                    facts.quality = jpeg_quality(getattr(im, "quantization", None) or {})
                    if b"\xff\xd9" not in data[-TAIL:]:
                        facts.truncated = "no JPEG end-of-image marker: the file is cut short"
                elif facts.format == "png" and b"IEND" not in data[-32:]:
                    facts.truncated = "no PNG IEND chunk at the end: the file is cut short"
            if verify_pixels and facts.truncated is None:
                with Image.open(io.BytesIO(data)) as im:
                    im.verify()  # chunk checksums (PNG) and structure; must come first
                with Image.open(io.BytesIO(data)) as im:  # verify() leaves im unusable
                    im.load()  # every pixel decoded
    except Image.DecompressionBombError as exc:
        facts.unreadable = f"too many pixels to decode safely ({exc})"[:200]
    except Exception as exc:  # every damaged image is a finding
        if facts.format is not None and verify_pixels:
            facts.truncated = f"its pixels do not decode: {exc}"[:200]
        else:
            facts.unreadable = f"not an image Pillow can read ({exc})"[:200]
    return facts


def inspect_many(paths: Sequence[str], verify_pixels: bool = False, jobs: int = 1) -> list[Facts]:
    """:func:`inspect` of each path, in order; in ``jobs`` forked workers for many paths."""
    return inputs.map_forked(functools.partial(inspect, verify_pixels=verify_pixels), paths,
                             jobs)


@dataclass
class Problem:
    code: str  # H070-H081
    image: str  # the delivery's image name
    message: str
    extra: dict = field(default_factory=dict)


def check(names: Sequence[str], declared: dict[str, tuple[float, float]], root: str, media,
          verify_pixels: bool = False, jobs: int = 1) -> list[Problem]:
    """Every problem of the images ``names`` (found under ``root``) against their declared
    ``(width, height)`` and the spec's ``media``; sorted by image, then code."""
    from guidec.imagesize import find_image

    out: list[Problem] = []
    found, missing = {}, []
    for name in sorted(set(names)):
        p = find_image(name, root)
        if p is None:
            missing.append(name)
        else:
            found[name] = p
    if missing:
        out.append(Problem("H081", missing[0],
                           f"{len(missing):,} image(s) of the delivery not found under {root}: "
                           + ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else ""),
                           {"images": missing[:100], "count": len(missing)}))
    order = sorted(found)
    facts = inspect_many([found[n] for n in order], verify_pixels, jobs)
    allowed = set(media.formats)
    unchecked_dicom = []
    for name, f in zip(order, facts, strict=True):
        if f.unreadable:
            out.append(Problem("H070", name, f"{name}: {f.unreadable}"))
            continue
        if f.dicom_unchecked:
            unchecked_dicom.append(name)
            continue
        if f.truncated:
            out.append(Problem("H071", name, f"{name}: {f.truncated}"))
        w, h = declared.get(name, (float("nan"), float("nan")))
        if f.width is not None and w == w and h == h and (f.width, f.height) != (int(w), int(h)):
            turned = f.orientation in (5, 6, 7, 8) and (f.height, f.width) == (int(w), int(h))
            out.append(Problem(
                "H072", name, f"{name}: the file is {f.width}x{f.height} pixels, the delivery "
                f"declares {int(w)}x{int(h)}" + (" (its EXIF-turned size: the labels were drawn "
                                                 "on the turned view)" if turned else ""),
                {"file_size": [f.width, f.height], "declared": [int(w), int(h)]}))
        if f.orientation not in (1, 0) and f.orientation <= 8:
            out.append(Problem(
                "H073", name, f"{name}: EXIF orientation {f.orientation} ("
                + _ORIENTATION.get(f.orientation, "?") + "): viewers and labeling tools show it "
                "turned, the pixels and most training loaders do not",
                {"orientation": f.orientation}))
        if f.frames > 1:
            out.append(Problem("H074", name, f"{name}: {f.frames} pages or frames; labels "
                               "belong to the first only", {"frames": f.frames}))
        if f.format and f.format not in allowed:
            out.append(Problem("H075", name, f"{name}: a {f.format} file; media.formats allows "
                               + ", ".join(media.formats), {"format": f.format}))
        modes = COLOR_MODES.get(media.color)
        if modes is not None and f.mode and f.mode not in modes:
            out.append(Problem("H076", name, f"{name}: colour mode {f.mode}; media.color is "
                               f"{media.color}", {"mode": f.mode}))
        floor = getattr(media, "jpeg_quality_min", None)
        if floor and f.quality is not None and f.quality < floor:
            out.append(Problem("H077", name, f"{name}: JPEG quality about {f.quality}, below "
                               f"media.jpeg_quality_min {floor}", {"quality": f.quality}))
        if f.format == "dicom" and getattr(media, "deidentified", False):
            if f.dicom.get("burned_in"):
                out.append(Problem("H078", name, f"{name}: BurnedInAnnotation is YES: patient "
                                   "data may be drawn into the pixels"))
            if f.dicom.get("phi"):
                out.append(Problem("H079", name, f"{name}: identifying attributes present: "
                                   + ", ".join(f.dicom["phi"]), {"tags": f.dicom["phi"]}))
    if unchecked_dicom:
        out.append(Problem("H080", unchecked_dicom[0],
                           f"{len(unchecked_dicom):,} DICOM file(s) not checked: pydicom is not "
                           "installed (pip install 'guidec[dicom]')",
                           {"images": unchecked_dicom[:100]}))
    return sorted(out, key=lambda p: (p.image, p.code))


_ORIENTATION = {2: "mirrored", 3: "upside down", 4: "mirrored upside down",
                5: "mirrored, turned 90 degrees", 6: "turned 90 degrees clockwise",
                7: "mirrored, turned 90 degrees", 8: "turned 90 degrees counter-clockwise"}

