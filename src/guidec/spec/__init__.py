"""The spec language: models, loader, format versions."""

from guidec.spec.loader import LoadedSpec, SourceMap, load_spec, load_spec_text
from guidec.spec.model import SPEC_FORMAT, Spec

__all__ = ["SPEC_FORMAT", "LoadedSpec", "SourceMap", "Spec", "load_spec", "load_spec_text"]
