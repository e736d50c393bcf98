"""Build hook: compiles guidec's two small C extensions into the wheel or, for an editable
install, next to their sources:

* ``guidec.readers._cocoscan``: reads a COCO file's bytes straight into columns;
* ``guidec.readers._lsscan``: the same for a Label Studio JSON export;
* ``guidec.validation._native``: the one-pass "winds once" simplicity test for polygon rings and the
  same-class box overlap sweep;
* ``guidec._hamming``: the near-duplicate search over perceptual hashes (multi-index hashing).

They only make big deliveries fast; guidec works without them (numpy and orjson paths give
the same results, slower). So a machine without a C compiler still installs guidec, with a
warning, unless ``GUIDEC_REQUIRE_EXTENSION=1`` is set, as CI does, to make a failed build an
error.
"""

from __future__ import annotations

import os
import sys
import tempfile

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

EXTENSIONS = {
    "guidec.readers._cocoscan": "src/guidec/readers/_cocoscan.c",
    "guidec.readers._lsscan": "src/guidec/readers/_lsscan.c",
    "guidec.validation._native": "src/guidec/validation/_native.c",
    "guidec._hamming": "src/guidec/_hamming.c",
}


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        try:
            built = self._compile(inplace=version == "editable")
        except Exception as exc:  # no compiler, no headers: the pure-Python paths remain
            if os.environ.get("GUIDEC_REQUIRE_EXTENSION"):
                raise
            print(f"guidec: the C extensions were not built ({exc}); big COCO deliveries "
                  "will validate about 2x slower", file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            for name, path in built.items():
                target = "/".join(name.split(".")[:-1]) + "/" + os.path.basename(path)
                build_data["force_include"][path] = target

    def _compile(self, inplace: bool) -> dict[str, str]:
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext

        exts = [Extension(name, [src], extra_compile_args=["-O2", "-std=c11"])
                for name, src in EXTENSIONS.items()]
        dist = Distribution({"name": "guidec", "ext_modules": exts,
                             "package_dir": {"": "src"}})
        cmd = build_ext(dist)
        work = tempfile.mkdtemp(prefix="guidec-build-")
        cmd.build_temp = os.path.join(work, "temp")
        cmd.build_lib = os.path.join(work, "lib")
        cmd.inplace = inplace
        cmd.ensure_finalized()
        cmd.run()
        return {name: cmd.get_ext_fullpath(name) for name in EXTENSIONS}
