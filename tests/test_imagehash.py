"""guidec.imagehash: perceptual hashes of real photos and their edited copies, the DCT against
its definition, and the near-duplicate search against brute force."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec import imagehash as ih

PIL = pytest.importorskip("PIL")
from PIL import Image, ImageEnhance  # noqa: E402

PHOTOS = {
    "dog": "debian/darknet_0.0.0+git20180914.61c9d02e-2+b4/usr/share/darknet/data/dog.jpg",
    "horses": "debian/darknet_0.0.0+git20180914.61c9d02e-2+b4/usr/share/darknet/data/horses.jpg",
    "person": "debian/darknet_0.0.0+git20180914.61c9d02e-2+b4/usr/share/darknet/data/person.jpg",
    "quokka": "pypi/imgaug-0.4.0/imgaug/quokka.jpg",
    "zidane": "pypi/ultralytics-8.4.190/ultralytics/assets/zidane.jpg",
    "bus": "pypi/ultralytics-8.4.190/ultralytics/assets/bus.jpg",
}


def dist(a: int, b: int) -> int:
    return bin(a ^ b).count("1")


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    from tests.conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    paths = {k: CORPUS / v for k, v in PHOTOS.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        pytest.skip(f"corpus photos missing: {missing}")
    return {k: str(p) for k, p in paths.items()}


def _edits(im: Image.Image) -> dict[str, Image.Image]:
    w, h = im.size
    cw, ch = int(w * 0.02), int(h * 0.02)  # 2 % off each side
    mean = tuple(int(v) for v in np.asarray(im).reshape(-1, 3).mean(axis=0))
    return {
        "crop 2%": im.crop((cw, ch, w - cw, h - ch)),
        "rescale 0.5": im.resize((w // 2, h // 2), Image.Resampling.BICUBIC),
        "rescale 1.6": im.resize((int(w * 1.6), int(h * 1.6)), Image.Resampling.BICUBIC),
        "quality 40": im,  # saved below at quality 40
        # corners filled with the mean colour: with black corners pHash moves further (2-12
        # bits on these photos, 12 for person.jpg), a known weakness of DCT hashes to rotation
        "rotate 2": im.rotate(2, resample=Image.Resampling.BICUBIC, fillcolor=mean),
        "brightness +15%": ImageEnhance.Brightness(im).enhance(1.15),
    }


@pytest.fixture(scope="module")
def edited(photos, tmp_path_factory):
    out = tmp_path_factory.mktemp("edited")
    made = {}
    for name in ("dog", "horses", "person", "quokka", "zidane"):
        with Image.open(photos[name]) as im:
            im = im.convert("RGB")
            for k, (edit, copy) in enumerate(_edits(im).items()):
                p = out / f"{name}-{k}.jpg"
                copy.save(p, quality=40 if edit == "quality 40" else 90)
                made[(name, edit)] = str(p)
    return made


def test_near_duplicates_of_real_photos_match(photos, edited):
    worst = {}
    for (name, edit), path in edited.items():
        d = dist(ih.phash(photos[name]), ih.phash(path))
        worst[(name, edit)] = d
    over = {k: d for k, d in worst.items() if d > ih.DEFAULT_THRESHOLD}
    assert not over, over


def test_different_photos_do_not_match(photos):
    hs = {k: ih.phash(p) for k, p in photos.items()}
    for (a, ha), (b, hb) in itertools.combinations(hs.items(), 2):
        assert dist(ha, hb) > ih.DEFAULT_THRESHOLD, (a, b, dist(ha, hb))


def test_edited_copies_are_found_by_the_search(photos, edited):
    names = ["dog", "horses", "person", "quokka", "zidane"]
    paths = [photos[n] for n in names] + list(edited.values())
    owner = names + [n for n, _ in edited]
    values, index = ih.hash_array(ih.phash_many(paths))
    assert len(index) == len(paths)
    pairs = ih.near_duplicates(values)
    # every pair found joins copies of one photo, and each photo's copies form one cluster
    assert all(owner[i] == owner[j] for i, j, _ in pairs)
    groups = ih.clusters(len(paths), pairs)
    assert all({owner[k] for k in g} == {owner[g[0]]} for g in groups)
    assert len(groups) == len(names)


def test_exif_orientation_is_applied(photos, tmp_path):
    with Image.open(photos["dog"]) as im:
        upright = im.convert("RGB")
    upright.save(tmp_path / "upright.jpg", quality=90)
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what a camera held sideways stores
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    stored.save(tmp_path / "tagged.jpg", quality=90, exif=exif)
    stored.save(tmp_path / "untagged.jpg", quality=90)
    h = ih.phash(str(tmp_path / "upright.jpg"))
    assert dist(h, ih.phash(str(tmp_path / "tagged.jpg"))) <= 2
    assert dist(h, ih.phash(str(tmp_path / "untagged.jpg"))) > ih.DEFAULT_THRESHOLD
    assert dist(ih.dhash(str(tmp_path / "upright.jpg")), ih.dhash(str(tmp_path / "tagged.jpg"))) <= 2


def test_unreadable_images_hash_to_none(photos, tmp_path):
    data = Path(photos["dog"]).read_bytes()
    (tmp_path / "truncated.jpg").write_bytes(data[: len(data) // 2])
    (tmp_path / "text.jpg").write_bytes(b"not an image\n")
    (tmp_path / "empty.png").write_bytes(b"")
    for name in ("truncated.jpg", "text.jpg", "empty.png", "missing.jpg"):
        assert ih.phash(str(tmp_path / name)) is None, name
        assert ih.dhash(str(tmp_path / name)) is None, name
    assert ih.phash(str(tmp_path)) is None  # a folder
    hs = ih.phash_many([photos["dog"], str(tmp_path / "truncated.jpg")])
    assert hs[0] is not None and hs[1] is None
    values, index = ih.hash_array(hs)
    assert index.tolist() == [0] and values.dtype == np.uint64


def test_other_formats_and_modes(photos, tmp_path):
    with Image.open(photos["quokka"]) as im:
        rgb = im.convert("RGB")
    h = ih.phash(photos["quokka"])
    rgb.save(tmp_path / "q.png")
    rgb.convert("RGBA").save(tmp_path / "qa.png")
    rgb.convert("P").save(tmp_path / "qp.png")
    rgb.convert("L").save(tmp_path / "ql.png")
    for name in ("q.png", "qa.png", "qp.png", "ql.png"):
        assert dist(h, ih.phash(str(tmp_path / name))) <= 4, name


def test_phash_many_in_workers_is_the_same(photos, edited):
    paths = list(photos.values()) + list(edited.values())
    assert ih.phash_many(paths, jobs=2) == ih.phash_many(paths, jobs=1)
    assert ih.phash_many([], jobs=2) == []


def test_content_hash(photos, tmp_path):
    data = Path(photos["dog"]).read_bytes()
    (tmp_path / "copy.jpg").write_bytes(data)
    assert ih.content_hash(photos["dog"]) == hashlib.sha256(data).hexdigest()
    assert ih.content_hash(str(tmp_path / "copy.jpg")) == ih.content_hash(photos["dog"])


def test_phash_is_imagededups_definition():
    """The same DCT, median and bit order as imagededup's PHash, computed with scipy."""
    fftpack = pytest.importorskip("scipy.fftpack")
    rng = np.random.default_rng(7)
    for _ in range(50):
        a = rng.integers(0, 256, (32, 32)).astype(np.float64)
        coef = fftpack.dct(fftpack.dct(a, axis=0), axis=1)[:8, :8]
        bits = coef >= np.median(coef.ravel()[1:])
        hexed = "".join(f"{x:02x}" for x in np.packbits(bits))
        assert ih.phash_of_array(a) == int(hexed, 16)


@pytest.mark.parametrize("n", [8, 32])
def test_dct_matches_the_direct_formula(n):
    rng = np.random.default_rng(n)
    a = rng.normal(size=(n, n)) * 100
    x = np.arange(n)
    direct = np.empty((n, n))
    for k in range(n):
        for m in range(n):  # O(n^4): every coefficient summed over every sample
            direct[k, m] = 4 * np.sum(a * np.cos(np.pi * k * (2 * x[:, None] + 1) / (2 * n))
                                      * np.cos(np.pi * m * (2 * x[None, :] + 1) / (2 * n)))
    np.testing.assert_allclose(ih.dct2(a), direct, rtol=1e-9, atol=1e-6)


def test_popcount_table_matches_bitwise_count():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 2**64 - 1, 1000, dtype=np.uint64, endpoint=True)
    x[:3] = [0, 2**64 - 1, 1]
    want = [bin(int(v)).count("1") for v in x]
    assert ih._popcount_table(x).tolist() == want
    assert ih.popcount(x).tolist() == want


def reference_pairs(hs: list[int], t: int) -> list[tuple[int, int, int]]:
    return [(i, j, dist(hs[i], hs[j])) for i, j in itertools.combinations(range(len(hs)), 2)
            if dist(hs[i], hs[j]) <= t]


@st.composite
def hash_sets(draw):
    """Random 64-bit hashes, some of low entropy (big multi-index buckets), with copies and
    near copies planted."""
    n = draw(st.integers(0, 120))
    width = draw(st.sampled_from([64, 64, 12, 4]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    base = rng.integers(0, 2**width - 1, n, dtype=np.uint64, endpoint=True)
    if width < 64:
        base = base << np.uint64(draw(st.integers(0, 64 - width)))
    hs = [int(v) for v in base]
    for _ in range(draw(st.integers(0, 30)) if hs else 0):
        src = hs[draw(st.integers(0, len(hs) - 1))]
        flips = draw(st.lists(st.integers(0, 63), max_size=14))
        for f in flips:
            src ^= 1 << f
        hs.insert(draw(st.integers(0, len(hs))), src)
    return hs


@settings(deadline=None, max_examples=150)
@given(hash_sets(), st.integers(0, 12))
def test_near_duplicates_equal_brute_force(hs, t):
    want = reference_pairs(hs, t)
    arr = np.array(hs, dtype=np.uint64)
    assert ih.near_duplicates(arr, t) == want
    saved = ih._SMALL_GROUP
    try:
        for small in (0, 3, saved):  # every bucket by blocks; mixed; the default
            ih._SMALL_GROUP = small
            i, j, d = ih.near_duplicate_arrays(arr, t, method="index")
            assert list(zip(i.tolist(), j.tolist(), d.tolist(), strict=True)) == want
    finally:
        ih._SMALL_GROUP = saved
    i, j, d = ih.near_duplicate_arrays(arr, t, method="brute")
    assert list(zip(i.tolist(), j.tolist(), d.tolist(), strict=True)) == want
    if ih._hamming is not None:  # the compiled search, any number of blocks and threads
        for blocks in range(3, 17):
            for threads in (1, 3):
                got = ih._hamming.pairs(arr, t, blocks, threads, 10**9)
                i, j = np.frombuffer(got[0], np.int64), np.frombuffer(got[1], np.int64)
                d = np.frombuffer(got[2], np.uint8)
                pairs = sorted(zip(np.minimum(i, j).tolist(), np.maximum(i, j).tolist(),
                                   d.tolist(), strict=True))
                assert pairs == want, (blocks, threads)


def test_the_compiled_search_is_built_in_ci():
    import os

    if os.environ.get("CI"):
        assert ih._hamming is not None


@pytest.mark.skipif(ih._hamming is None, reason="the compiled search is not built here")
def test_the_compiled_search_stops_at_max_pairs():
    h = np.zeros(3000, np.uint64)  # one picture 3,000 times: 4,498,500 pairs at distance 0
    assert ih._hamming.pairs(h, 10, 4, 2, 1000) is None
    with pytest.raises(ih.TooManyPairs, match="more than 1,000 pairs"):
        ih.near_duplicate_arrays(h, 10, max_pairs=1000)
    with pytest.raises(ih.TooManyPairs):
        ih.near_duplicate_arrays(h[:100], 10, method="brute", max_pairs=1000)
    i, _, _ = ih.near_duplicate_arrays(h[:100], 10, method="compiled", max_pairs=4950)
    assert len(i) == 4950  # exactly at the bound is a result


def test_near_duplicates_large_sets_and_bounds():
    rng = np.random.default_rng(3)
    h = rng.integers(0, 2**64 - 1, 20_000, dtype=np.uint64, endpoint=True)
    h[10_000:10_050] = h[:50] ^ np.uint64(0b111)  # 50 planted pairs at distance 3
    h[10_050] = h[77]  # and an exact copy
    for t in (0, 3, 6):
        a = ih.near_duplicate_arrays(h, t, method="index")
        b = ih.near_duplicate_arrays(h, t, method="brute")
        assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    got = ih.near_duplicates(h, 3)
    assert (77, 10_050, 0) in got and (0, 10_000, 3) in got and len(got) >= 51
    assert ih.near_duplicates(h[:1]) == [] and ih.near_duplicates(np.zeros(0, np.uint64)) == []
    assert ih.near_duplicates([0, 2**64 - 1], 64) == [(0, 1, 64)]
    with pytest.raises(ValueError):
        ih.near_duplicates(h, -1)


def reference_components(n, pairs):
    adj = {k: set() for k in range(n)}
    for i, j in pairs:
        adj[i].add(j)
        adj[j].add(i)
    seen, out = set(), []
    for k in range(n):
        if k in seen:
            continue
        comp, stack = set(), [k]
        while stack:
            v = stack.pop()
            if v not in comp:
                comp.add(v)
                stack.extend(adj[v] - comp)
        seen |= comp
        out.append(sorted(comp))
    return out


@settings(deadline=None, max_examples=200)
@given(st.integers(0, 40).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, max(n - 1, 0)),
                                                       st.integers(0, max(n - 1, 0))),
                                             max_size=60 if n else 0))))
def test_clusters_are_connected_components(case):
    n, pairs = case
    assert ih.clusters(n, pairs) == reference_components(n, pairs)
