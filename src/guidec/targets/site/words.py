"""The spec said in plain words, for annotators: media and coordinates, checks, QA errors."""

from __future__ import annotations

from guidec.codes import Code
from guidec.spec import check_keywords
from guidec.spec.model import Check, Media, Spec


def _px(v: float) -> str:
    return f"{v:g} px"


def media_in_words(media: Media) -> list[str]:
    """Sentences on labeling resolution, coordinates and image sizes."""
    out: list[str] = []
    if media.labeling_resolution == "proxy":
        side = f" whose longest side is {media.proxy_max_side} px" if media.proxy_max_side else ""
        out.append(f"You label on reduced copies of the images (proxies){side}. "
                   "guidec scales your shapes back to the original images.")
    else:
        out.append("You label on the original images at full resolution.")
    if media.coordinates == "normalized":
        out.append("Deliveries give coordinates as fractions of the image width and height "
                   "(0 to 1), measured from the top-left corner: x to the right, y down.")
    else:
        out.append("Deliveries give coordinates in pixels of the original image, measured "
                   "from its top-left corner: x to the right, y down.")
    if media.min_image_size:
        w, h = media.min_image_size
        out.append(f"Images are at least {w} × {h} pixels (width × height).")
    if media.max_image_size:
        w, h = media.max_image_size
        out.append(f"Images are at most {w} × {h} pixels.")
    if media.image_sizes:
        sizes = ", ".join(f"{w} × {h}" for w, h in media.image_sizes)
        out.append(f"Expected image sizes: {sizes}.")
    if media.tiling:
        t = media.tiling
        where = ("the whole mosaic" if t.coordinates == "mosaic" else "each tile")
        out.append(f"Large images are labeled in tiles of {t.tile_size[0]} × {t.tile_size[1]} "
                   f"pixels overlapping by {t.overlap} px; coordinates refer to {where}.")
    fmts = ", ".join(f.upper() if len(f) <= 4 else f for f in media.formats)
    out.append(f"Image formats: {fmts}; colour: {media.color}.")
    if media.jpeg_quality_min:
        out.append(f"JPEG images are saved at quality {media.jpeg_quality_min} or better "
                   "(on the 1-100 scale of common encoders).")
    if media.deidentified:
        out.append("Images are de-identified: no patient names, ids, birth dates or "
                   "institutions in DICOM headers, and nothing burned into the pixels.")
    return out


def splits_in_words(spec: Spec) -> list[str]:
    if spec.splits is None:
        return []
    s = spec.splits
    out = [f"Images are split into {', '.join(s.names)}."]
    if s.group_by:
        out.append(f"Images that share the same `{s.group_by}` never go into different splits.")
    return out


def composition_in_words(spec: Spec) -> list[str]:
    """The composition plan (``splits.priors``, ``hard_negatives``, ``strata``) as sentences
    for the people who plan and receive the data: what every split should hold."""
    s = spec.splits
    if s is None:
        return []
    out = []
    for name, pr in s.priors.items():
        parts = []
        if pr.share is not None:
            what = "objects" if pr.of == "objects" else "images (holding at least one)"
            parts.append(f"{percent(pr.share)} of each split's {what}, give or take "
                         f"{pr.tolerance * 100:.4g} points")
        if isinstance(pr.min, dict):
            parts.append("at least " + ", ".join(f"{k:,} in {sp}" for sp, k in pr.min.items()))
        elif pr.min is not None:
            parts.append(f"at least {pr.min:,} objects in every split")
        if parts:
            out.append(f"`{name}`: " + "; ".join(parts) + ".")
    hn = s.hard_negatives
    if hn is not None:
        out.append(f"Hard negatives: at least {percent(hn.min_share)} of each split's images "
                   f"hold no object on purpose, each marked `{hn.mark}`; an empty image "
                   f"without the mark is taken as forgotten and sent back.")
    for key, st in s.strata.items():
        mix = ", ".join(f"{v} {percent(x)}" for v, x in st.shares.items())
        out.append(f"Each split's images by `{key}`: {mix}, give or take "
                   f"{st.tolerance * 100:.4g} points.")
    return out


def check_in_words(check: Check) -> list[tuple[str, str]]:
    """``[(check key, sentence)]``: what the validator enforces, one condition each (the
    sentences are the keyword table's, :mod:`guidec.spec.check_keywords`)."""
    return check_keywords.words(check.model_dump(exclude_none=True, by_alias=True))


def check_code(key: str) -> Code | None:
    """The validation rule code that enforces one check key, or ``None`` if none is declared."""
    from guidec import codes

    kw = check_keywords.BY_NAME.get(key)
    return codes.code(kw.code) if kw is not None and kw.code else None


def percent(v: float) -> str:
    return f"{v * 100:.4g} %"
