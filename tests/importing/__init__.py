"""Tests of ``guidec import``."""

from __future__ import annotations

import pytest


def free_names() -> bool:
    """Whether the spec language takes any non-empty attribute, keypoint and schema name
    (``Leaf Color``, ``Right Shoulder``, ``1``) rather than identifiers only."""
    from pydantic import ValidationError

    from guidec.spec.model import KeypointSchema

    try:
        KeypointSchema(points=["Right Shoulder", "1"])
    except ValidationError:
        return False
    return True


needs_free_names = pytest.mark.skipif(
    not free_names(), reason="needs free-form attribute/keypoint names (branch names14)")
