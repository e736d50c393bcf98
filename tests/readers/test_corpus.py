"""Conformance on real files from ../shared/corpus (skipped when it is absent)."""

from __future__ import annotations

import numpy as np
import pytest

from guidec.readers import read_delivery
from guidec.table import Shape

pytestmark = [pytest.mark.corpus,
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]

DATUMARO = "github/cvat-ai-datumaro-8970bb7b/tests/assets"
LS_TESTS = "pypi/label_studio-1.23.2/label_studio/tests"


def _files(corpus, pattern):
    found = sorted(corpus.glob(pattern))
    assert found, pattern
    return found


COCO_FILES = [
    f"{DATUMARO}/coco_dataset/*/annotations/*.json",
    "pypi-sdist/labelme-*/examples/instance_segmentation/data_dataset_coco/annotations.json",
    "pypi-sdist/sahi-*/demo/demo_data/terrain2_coco.json",
]


@pytest.mark.parametrize("pattern", COCO_FILES)
def test_coco_files_read(corpus, pattern):
    for f in _files(corpus, pattern):
        r = read_delivery([str(f)])
        assert r.formats[str(f)] == "coco"
        assert not [d for d in r.diagnostics if d.severity.label == "error"], (f, r.diagnostics)


def _pycoco(path):
    pytest.importorskip("pycocotools")
    import contextlib
    import io

    from pycocotools.coco import COCO

    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(str(path))


@pytest.mark.parametrize("pattern", [
    f"{DATUMARO}/coco_dataset/coco_instances/annotations/*.json",
    f"{DATUMARO}/coco_dataset/coco_person_keypoints/annotations/*.json",
    "pypi-sdist/labelme-*/examples/instance_segmentation/data_dataset_coco/annotations.json",
    "pypi-sdist/sahi-*/demo/demo_data/terrain2_coco.json",
])
def test_boxes_polygons_masks_match_pycocotools(corpus, pattern):
    from pycocotools import mask as maskutils

    for f in _files(corpus, pattern):
        t = read_delivery([str(f)]).table
        coco = _pycoco(f)
        assert sorted(coco.anns) == sorted(t.ann_id)
        for row in range(len(t)):
            ann = coco.anns[t.ann_id[row]]
            assert t.bbox[row].tolist() == pytest.approx(ann["bbox"])
            assert t.label_id[row] == ann["category_id"]
            img = coco.imgs[ann["image_id"]]
            assert t.images.key[t.image_index[row]] == img["id"]
            assert t.area[row] == pytest.approx(ann.get("area", np.nan), nan_ok=True)
            seg = ann.get("segmentation")
            if isinstance(seg, list) and seg:
                rings = [r.ravel() for r in t.rings_of(row)]
                assert len(rings) == len(seg)
                for ours, theirs in zip(rings, seg, strict=True):
                    assert np.allclose(ours, theirs)
                # the same rings rasterize to the same mask as pycocotools' own reading
                h, w = int(img["height"]), int(img["width"])
                assert (maskutils.decode(maskutils.frPyObjects([r.tolist() for r in rings],
                                                               h, w)).any(axis=2)
                        == coco.annToMask(ann).astype(bool)).all()
            elif isinstance(seg, dict):
                assert t.rle[row] is not None
                h, w = seg["size"]
                theirs = maskutils.decode(maskutils.frPyObjects(seg, h, w)
                                          if isinstance(seg["counts"], list) else seg)
                from guidec.masks import decode

                assert (decode(t.rle[row]) == theirs.astype(bool)).all()


def test_sahi_real_defect_is_visible(corpus):
    """Every area in terrain2_coco.json is the whole image (1024*682), not the box."""
    (f,) = _files(corpus, "pypi-sdist/sahi-*/demo/demo_data/terrain2_coco.json")
    t = read_delivery([str(f)]).table
    assert (t.area == 698368).all()
    assert (t.bbox[:, 2] * t.bbox[:, 3] < t.area).all()


def test_compressed_rle_decoder_matches_pycocotools():
    pytest.importorskip("pycocotools")
    from pycocotools import mask as maskutils

    from guidec.masks import counts_of, encode

    rng = np.random.default_rng(1)
    for _ in range(20):
        m = rng.random((13, 17)) < rng.random()
        enc = maskutils.encode(np.asfortranarray(m.astype(np.uint8)))
        ours = encode(m)
        assert counts_of({"counts": enc["counts"].decode()}).tolist() == ours["counts"]


@pytest.mark.parametrize("pattern", [
    f"{DATUMARO}/voc_dataset/*/Annotations/*.xml",
    "pypi-sdist/labelme-*/examples/bbox_detection/data_dataset_voc/Annotations/*.xml",
])
def test_voc_files_read(corpus, pattern):
    for f in _files(corpus, pattern):
        r = read_delivery([str(f)])
        assert r.formats[str(f)] == "voc"
        assert {d.code for d in r.diagnostics} <= {"V020"}, r.diagnostics


def test_labelme_voc_float_coordinates_reported(corpus):
    files = _files(corpus, "pypi-sdist/labelme-*/examples/bbox_detection/data_dataset_voc/"
                           "Annotations/*.xml")
    r = read_delivery([str(f) for f in files])
    assert {d.code for d in r.diagnostics} == {"V020"}
    assert len(r.table) == 9


def test_cvat_xml_reads(corpus):
    (f,) = _files(corpus, f"{DATUMARO}/cvat_dataset/for_images/*.xml")
    r = read_delivery([str(f)])
    # Datumaro's fixture draws two shapes with label="": unlabeled, and said so (issue 10)
    assert [(d.code, d.line, d.message) for d in r.diagnostics] == [
        ("V007", 90, "<polyline> has an empty 'label'"),
        ("V007", 103, "<polygon> has an empty 'label'")]
    t = r.table
    assert len(t.images) == 2 and len(t) == 6
    assert Shape.KEYPOINTS in set(t.shape.tolist())


def test_cvat_for_video_tracks_read(corpus):
    (f,) = _files(corpus, f"{DATUMARO}/cvat_dataset/for_video/annotations.xml")
    r = read_delivery([str(f)])
    assert r.diagnostics == []
    t = r.table
    # frames 10, 13, 16 of a 25x20 task; shapes with outside="1" are not rows
    assert t.images.file_name.tolist() == ["frame_000010", "frame_000013", "frame_000016"]
    assert set(t.images.width.tolist()) == {25.0} and set(t.images.height.tolist()) == {20.0}
    assert t.label.tolist() == ["II", "klhg", "II", "skeleton", "skeleton", "skeleton"]
    assert t.instance_id.tolist() == [0, 1, 2, 3, 3, 3]  # the track ids
    assert t.bbox[0].tolist() == [3.0, 4.0, 7.0, 1.0]
    # the skeleton's points come from its per-point sub-tracks; point 3 leaves at frame 13
    assert [p[2] for p in t.keypoints_of(4).tolist()] == [2, 2, 0, 2]


@pytest.mark.parametrize("pattern", [f"{LS_TESTS}/test_suites/samples/*.json",
                                     f"{LS_TESTS}/data_manager/*.json"])
def test_label_studio_exports_read(corpus, pattern):
    for f in _files(corpus, pattern):
        r = read_delivery([str(f)], "label_studio")
        errors = [d for d in r.diagnostics if d.severity.label == "error"]
        assert not errors, (f, errors)


def test_label_studio_gt_boxes_in_pixels(corpus):
    (f,) = _files(corpus, f"{LS_TESTS}/test_suites/samples/image_urls_with_bboxes_gt.json")
    t = read_delivery([str(f)]).table
    # x=1 %, width=2 % of 320 px
    assert t.bbox[0].tolist() == pytest.approx([3.2, 2.4, 6.4, 4.8])


@pytest.mark.parametrize("pattern", [
    f"{DATUMARO}/coco_dataset/*/annotations/panoptic_*.json",
    f"{DATUMARO}/voc_dataset/voc_dataset1/SegmentationClass",
    f"{DATUMARO}/voc_dataset/voc_dataset1/SegmentationObject",
])
def test_masks_read(corpus, pattern):
    for f in _files(corpus, pattern):
        r = read_delivery([str(f)])
        assert not r.diagnostics, r.diagnostics
        t = r.table
        assert len(t) and (t.shape == Shape.MASK).all()
        for row in range(len(t)):
            assert t.rle[row] is not None
