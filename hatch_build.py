"""Build hook: compiles guidec's small C extensions into the wheel or, for an editable
install, next to their sources:

* ``guidec.readers._cocoscan``: reads a COCO file's bytes straight into columns;
* ``guidec.readers._cvatscan``: the same for a CVAT for images 1.1 XML file;
* ``guidec.readers._vocscan``: reads the files of a Pascal VOC delivery on threads into columns;
* ``guidec.readers._yoloscan``: reads YOLO label files (and image headers) on threads into
  columns;
* ``guidec.readers._lsscan``: the same for a Label Studio JSON export;
* ``guidec.validation._native``: the one-pass "winds once" simplicity test for polygon rings and the
  same-class box overlap sweep;
* ``guidec._hamming``: the near-duplicate search over perceptual hashes (multi-index hashing);
* ``guidec._columns``: the one-pass factorization of an object column (``columns.distinct``);
* ``guidec._colorpairs``: the colour lint's search for colours people cannot tell apart;
* ``guidec._yamlfast``: a spec's YAML from libyaml's events into data with positions (links
  the system's libyaml: ``libyaml-dev`` on Debian/Ubuntu, ``libyaml`` on Homebrew).

They only make big deliveries and big specs fast; guidec works without them (numpy, orjson,
PyYAML and plain Python paths give the same results, slower). So a machine without a C
compiler or libyaml's headers still installs guidec, with a warning naming what was not
built, unless ``GUIDEC_REQUIRE_EXTENSION=1`` is set, as CI does, to make a failed build an
error. Each extension is built on its own, so a missing libyaml costs only the YAML one.
"""

from __future__ import annotations

import os
import sys
import tempfile

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

EXTENSIONS = {
    "guidec.readers._cocoscan": "src/guidec/readers/_cocoscan.c",
    "guidec.readers._cvatscan": "src/guidec/readers/_cvatscan.c",
    "guidec.readers._vocscan": "src/guidec/readers/_vocscan.c",
    "guidec.readers._yoloscan": "src/guidec/readers/_yoloscan.c",
    "guidec.readers._lsscan": "src/guidec/readers/_lsscan.c",
    "guidec.validation._native": "src/guidec/validation/_native.c",
    "guidec._hamming": "src/guidec/_hamming.c",
    "guidec._yamlfast": "src/guidec/_yamlfast.c",
    "guidec._colorpairs": "src/guidec/_colorpairs.c",
    "guidec._columns": "src/guidec/_columns.c",
}
#: Libraries an extension links (module -> names for the linker).
LIBRARIES = {"guidec._yamlfast": ["yaml"]}


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        built, failed = {}, {}
        for name, src in EXTENSIONS.items():
            try:
                built[name] = self._compile(name, src, inplace=version == "editable")
            except Exception as exc:  # no compiler, no headers: the pure-Python paths remain
                if os.environ.get("GUIDEC_REQUIRE_EXTENSION"):
                    raise
                failed[name] = exc
        if failed:
            print("guidec: C extensions not built (" + "; ".join(
                f"{name}: {exc}" for name, exc in failed.items()) + "); big deliveries "
                "validate and big specs load slower (the same results)", file=sys.stderr)
        if not built:
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            for name, path in built.items():
                target = "/".join(name.split(".")[:-1]) + "/" + os.path.basename(path)
                build_data["force_include"][path] = target

    def _compile(self, name: str, src: str, inplace: bool) -> str:
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext

        ext = Extension(name, [src], extra_compile_args=["-O2", "-std=c11"],
                        libraries=LIBRARIES.get(name, []))
        dist = Distribution({"name": "guidec", "ext_modules": [ext],
                             "package_dir": {"": "src"}})
        cmd = build_ext(dist)
        work = tempfile.mkdtemp(prefix="guidec-build-")
        cmd.build_temp = os.path.join(work, "temp")
        cmd.build_lib = os.path.join(work, "lib")
        cmd.inplace = inplace
        cmd.ensure_finalized()
        cmd.run()
        return cmd.get_ext_fullpath(name)
