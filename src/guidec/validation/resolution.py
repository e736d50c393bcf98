"""Resolution: image sizes the spec expects, and coordinates in the wrong space."""

from __future__ import annotations

import numpy as np

from guidec.validation import rule, vcode
from guidec.validation.frame import Frame

G = "resolution"

V300 = vcode("V300", group=G)
V301 = vcode("V301", group=G)
V302 = vcode("V302", group=G)
V303 = vcode("V303", group=G)
V304 = vcode("V304", group=G)

MIN_PROXY_ANNOTATIONS = 3


def _size(w, h) -> str:
    return f"{w:g}x{h:g}"


@rule(V300, V301, V302, group=G)
def image_sizes(f: Frame):
    media = f.project.spec.media
    im = f.t.images
    w, h = im.width, im.height
    known = np.isfinite(w) & np.isfinite(h)
    if media.min_image_size:
        mw, mh = media.min_image_size
        for i in np.flatnonzero(known & ((w < mw) | (h < mh))):
            yield f.img(V300, i, f"image {f.image_name(i)!r} is {_size(w[i], h[i])}, smaller "
                                 f"than the minimum {mw}x{mh}")
    if media.max_image_size:
        mw, mh = media.max_image_size
        for i in np.flatnonzero(known & ((w > mw) | (h > mh))):
            yield f.img(V301, i, f"image {f.image_name(i)!r} is {_size(w[i], h[i])}, larger "
                                 f"than the maximum {mw}x{mh}")
    if media.image_sizes:
        sizes = np.array(media.image_sizes, dtype=np.float64)
        match = ((w[:, None] == sizes[None, :, 0]) & (h[:, None] == sizes[None, :, 1])).any(1)
        allowed = ", ".join(f"{a}x{b}" for a, b in media.image_sizes)
        for i in np.flatnonzero(known & ~match):
            yield f.img(V302, i, f"image {f.image_name(i)!r} is {_size(w[i], h[i])}, not one "
                                 f"of the expected sizes {allowed}")


def image_extents(f: Frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per image: (largest x, largest y reached by any annotation, annotation count)."""
    t = f.t
    m = len(t.images)
    b = t.bbox
    vb = f.vert_bounds
    with np.errstate(invalid="ignore"):
        x1 = b[:, 0] + b[:, 2]
        np.fmax(x1, vb[:, 2], out=x1)  # in place: one column per axis, no temporary
        y1 = b[:, 1] + b[:, 3]
        np.fmax(y1, vb[:, 3], out=y1)
        if len(t.kp):
            kx = np.full(f.n, np.nan)
            ky = np.full(f.n, np.nan)
            lab = t.kp[:, 2] > 0
            np.fmax.at(kx, f.kp_ann[lab], t.kp[lab, 0])
            np.fmax.at(ky, f.kp_ann[lab], t.kp[lab, 1])
            x1, y1 = np.fmax(x1, kx), np.fmax(y1, ky)
    ok = f.has_image & np.isfinite(x1) & np.isfinite(y1)
    idx = np.where(ok, t.image_index, m)  # the other rows go to a last, extra slot: no copy
    ix = np.full(m + 1, -np.inf)          # of the rows kept
    iy = np.full(m + 1, -np.inf)
    np.maximum.at(ix, idx, x1)
    np.maximum.at(iy, idx, y1)
    count = np.bincount(idx, minlength=m + 1)
    return ix[:m], iy[:m], count[:m]


@rule(V303, V304, group=G)
def coordinate_space(f: Frame):
    media = f.project.spec.media
    im = f.t.images
    if len(im) == 0 or f.n == 0:
        return
    w, h = im.width, im.height
    ix, iy, count = image_extents(f)
    known = np.isfinite(w) & np.isfinite(h) & (count > 0)
    normalized = known & (np.maximum(w, h) > 4) & (ix <= 1.0 + 1e-9) & (iy <= 1.0 + 1e-9)
    for i in np.flatnonzero(normalized):
        yield f.img(V304, i, f"all {int(count[i])} annotation(s) of image "
                             f"{f.image_name(i)!r} ({_size(w[i], h[i])}) lie within [0, 1]: "
                             "the coordinates look normalized, not pixels")
    proxy = media.proxy_max_side
    if not proxy:
        return
    longest = np.maximum(w, h)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = proxy / longest
        pw, ph = w * s, h * s
        looks = (known & ~normalized & (count >= MIN_PROXY_ANNOTATIONS)
                 & (longest > proxy * 1.05)
                 & (ix <= pw + 1.0) & (iy <= ph + 1.0)
                 & ((ix > 0.5 * pw) | (iy > 0.5 * ph)))
    for i in np.flatnonzero(looks):
        yield f.img(V303, i, f"all {int(count[i])} annotations of image {f.image_name(i)!r} "
                             f"({_size(w[i], h[i])}) lie within {_size(round(pw[i]), round(ph[i]))},"
                             f" the size of its {proxy} px proxy: labels look drawn on the proxy "
                             "and not scaled to the full image",
                    hint=f"scale the coordinates by {1 / s[i]:.4g}")
