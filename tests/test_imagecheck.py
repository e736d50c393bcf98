"""Image integrity (guidec.imagecheck, guidec handoff --images): one fixture per problem, made
from the corpus's CC0 photos and Pillow's orientation test image, with its exact finding; the
JPEG quality estimate against Pillow's encoder; a DICOM file written with pydicom; damaged
bytes never raise."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec import imagecheck as ic
from guidec.cli import run
from tests.budget import examples
from tests.conftest import CORPUS
from tests.test_imagehash import PHOTOS

Image = pytest.importorskip("PIL.Image")
ORIENTED = "pypi-sdist/pillow-13.0.0/Tests/images/hopper_orientation_6.jpg"


@pytest.fixture(scope="module")
def photo():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    with Image.open(CORPUS / PHOTOS["dog"]) as im:
        return im.convert("RGB").resize((320, 240))


def _jpeg(im, quality=90) -> bytes:
    b = io.BytesIO()
    im.save(b, "JPEG", quality=quality)
    return b.getvalue()


def _png(im) -> bytes:
    b = io.BytesIO()
    im.save(b, "PNG")
    return b.getvalue()


def _dicom(path, *, burned="YES", phi=True, rows=240, cols=320):
    pydicom = pytest.importorskip("pydicom")
    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    if phi:
        ds.PatientName, ds.PatientID, ds.InstitutionName = "Doe^Jane", "12345", "General"
    ds.BurnedInAnnotation = burned
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.zeros((rows, cols), np.uint8).tobytes()
    pydicom.dcmwrite(str(path), ds, enforce_file_format=True)


# code -> the images of the fixture that must get it (good.jpg is the passing case)
CASES = {
    "H070": ["text.jpg"], "H071": ["cut.jpg", "cut.png"], "H072": ["bigger.jpg"],
    "H073": ["turned.jpg"], "H074": ["pages.tif"], "H075": ["pages.tif"], "H076": ["gray.jpg"],
    "H077": ["q30.jpg"], "H078": ["ct.dcm"], "H079": ["ct.dcm"], "H081": ["missing.jpg"],
}

MEDIA = """media:
  formats: [jpeg, png, dicom]
  jpeg_quality_min: 75
  deidentified: true
"""


@pytest.fixture
def delivery(tmp_path, photo):
    """(spec, delivery folder, images folder): each image with its one expected problem."""
    from tests.test_handoff import _spec

    spec = _spec(tmp_path)
    text = spec.read_text()
    spec.write_text(re.sub(r"^media:\n(  .*\n)*", MEDIA, text, flags=re.M)
                    if "\nmedia:" in text else text + MEDIA)
    images = tmp_path / "images"
    images.mkdir()
    good = _jpeg(photo)
    files = {
        "good.jpg": good,
        "cut.jpg": good[: len(good) * 2 // 3],                   # H071
        "cut.png": _png(photo)[:-20],                           # H071
        "bigger.jpg": _jpeg(photo.resize((640, 480))),           # H072 (declared 320x240)
        "pages.tif": None,                                      # H074 + H075
        "gray.jpg": _jpeg(photo.convert("L")),                   # H076
        "q30.jpg": _jpeg(photo, 30),                             # H077
        "text.jpg": b"this is not an image\n",                   # H070
    }
    for name, data in files.items():
        if data is not None:
            (images / name).write_bytes(data)
    photo.save(images / "pages.tif", save_all=True, append_images=[photo.rotate(90)])
    shutil.copy(CORPUS / ORIENTED, images / "turned.jpg")       # H073, and H072 turned
    _dicom(images / "ct.dcm")                                    # H078 + H079
    sizes = {n: (320, 240) for n in [*files, "ct.dcm"]}
    sizes["turned.jpg"] = (128, 128)
    names = sorted([*sizes, "missing.jpg"])                      # H081
    sizes["missing.jpg"] = (320, 240)
    doc = {"images": [{"id": i, "file_name": n, "width": sizes[n][0], "height": sizes[n][1]}
                      for i, n in enumerate(names)],
           "annotations": [{"id": i, "image_id": i, "category_id": 1, "bbox": [1, 1, 5, 5]}
                           for i in range(len(names))],
           "categories": [{"id": 1, "name": "product"}]}
    folder = tmp_path / "delivery"
    folder.mkdir()
    (folder / "train.json").write_text(json.dumps(doc))
    (folder / "val.json").write_text(json.dumps({**doc, "images": [], "annotations": []}))
    return spec, folder, images


def _handoff(spec, folder, images, *extra):
    out, err = io.StringIO(), io.StringIO()
    code = run(["handoff", "--spec", str(spec), str(folder / "train.json"),
                str(folder / "val.json"), "--images", str(images), "--hamming", "-1",
                "--format", "json", *extra], out, err)
    return code, json.loads(out.getvalue()), err.getvalue()


def test_every_image_problem_is_found_on_its_image(delivery):
    code, doc, _ = _handoff(*delivery)
    got = sorted((d["code"], d.get("image")) for d in doc["findings"]
                 if re.match(r"H0[78]\d", d["code"]))
    assert got == sorted((c, n) for c, names in CASES.items() for n in names), got
    assert not any(n == "good.jpg" for _, n in got)  # the passing case beside them
    assert code == 1
    by = {(d["code"], d.get("image")): d for d in doc["findings"]}
    assert "JPEG quality about 30, below media.jpeg_quality_min 75" in by[("H077", "q30.jpg")][
        "message"]
    assert "PatientName, PatientID, InstitutionName" in by[("H079", "ct.dcm")]["message"]
    assert "EXIF orientation 6" in by[("H073", "turned.jpg")]["message"]


def test_the_declared_size_of_a_turned_image_is_said(delivery):
    spec, folder, images = delivery
    doc = json.loads((folder / "train.json").read_text())
    for im in doc["images"]:
        if im["file_name"] == "bigger.jpg":
            im["width"], im["height"] = 480, 640  # the size turned 90 degrees, no EXIF
    (folder / "train.json").write_text(json.dumps(doc))
    _, out, _ = _handoff(spec, folder, images)
    msg = next(d["message"] for d in out["findings"] if d["code"] == "H072")
    assert "640x480 pixels, the delivery declares 480x640" in msg and "EXIF" not in msg


def test_without_the_spec_settings_dicom_and_quality_pass(delivery):
    spec, folder, images = delivery
    spec.write_text(spec.read_text().replace("  jpeg_quality_min: 75\n", "")
                    .replace("  deidentified: true\n", ""))
    _, doc, _ = _handoff(spec, folder, images)
    codes = {d["code"] for d in doc["findings"]}
    assert not codes & {"H077", "H078", "H079"}


def test_verify_pixels_finds_a_png_damaged_in_the_middle(tmp_path, photo):
    data = bytearray(_png(photo))
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "mid.png").write_bytes(bytes(data))
    assert ic.inspect(str(tmp_path / "mid.png")).truncated is None  # the cheap check passes it
    f = ic.inspect(str(tmp_path / "mid.png"), verify_pixels=True)
    assert f.truncated and "do not decode" in f.truncated


@pytest.mark.parametrize("quality", [5, 10, 25, 50, 75, 90, 95, 100])
def test_jpeg_quality_is_estimated_exactly_for_ijg_encoders(tmp_path, photo, quality):
    (tmp_path / "q.jpg").write_bytes(_jpeg(photo, quality))
    assert ic.inspect(str(tmp_path / "q.jpg")).quality == quality


def test_dicom_without_pydicom_is_a_finding(tmp_path, monkeypatch):
    import builtins

    _dicom(tmp_path / "a.dcm")
    real = builtins.__import__

    def no_pydicom(name, *a, **k):
        if name == "pydicom":
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_pydicom)
    from guidec.spec.model import Media

    problems = ic.check(["a.dcm"], {"a.dcm": (320.0, 240.0)}, str(tmp_path),
                        Media(formats=["dicom"], deidentified=True))
    assert [(p.code, p.image) for p in problems] == [("H080", "a.dcm")]


def test_a_clean_dicom_passes(tmp_path):
    from guidec.spec.model import Media

    _dicom(tmp_path / "a.dcm", burned="NO", phi=False)
    assert ic.check(["a.dcm"], {"a.dcm": (320.0, 240.0)}, str(tmp_path),
                    Media(formats=["dicom"], color="grayscale", deidentified=True)) == []


@settings(deadline=None, max_examples=examples(300))
@given(st.data())
def test_damaged_image_bytes_never_raise(tmp_path_factory, data):
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    src = (CORPUS / PHOTOS["zidane"]).read_bytes()[:20000] if data.draw(st.booleans()) else \
        (CORPUS / ORIENTED).read_bytes()
    at = data.draw(st.integers(0, len(src)))
    junk = data.draw(st.binary(max_size=16))
    cut = data.draw(st.sampled_from(["replace", "cut", "insert"]))
    blob = (src[:at] + junk + src[at + len(junk):] if cut == "replace" else
            src[:at] if cut == "cut" else src[:at] + junk + src[at:])
    d = tmp_path_factory.mktemp("fuzz")
    (d / "x.jpg").write_bytes(blob)
    for verify in (False, True):
        f = ic.inspect(str(d / "x.jpg"), verify)
        assert f.unreadable is None or isinstance(f.unreadable, str)


def test_media_expectations_are_linted_and_diffed(tmp_path):
    base = ("guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
            "classes:\n  - {id: 1, name: car, color: '#ff0000'}\n")
    a = tmp_path / "a.yaml"
    a.write_text(base + "media: {formats: [png], jpeg_quality_min: 80, deidentified: true}\n")
    out, err = io.StringIO(), io.StringIO()
    run(["check", str(a)], out, err)
    text = out.getvalue() + err.getvalue()
    assert "L905" in text and "jpeg_quality_min 80 is set but jpeg is not among the formats" in text
    assert "deidentified is set but dicom is not among the formats" in text
    b = tmp_path / "b.yaml"
    b.write_text(base.replace("1.0.0", "1.1.0")
                 + "media: {formats: [png], jpeg_quality_min: 90, deidentified: true}\n")
    out, err = io.StringIO(), io.StringIO()
    run(["diff", str(a), str(b)], out, err)
    assert re.search(r"D504.*media jpeg_quality_min changed from 80 to 90", out.getvalue())
