"""Build hook: compiles guidec's one C extension, the COCO scanner
(``src/guidec/readers/_cocoscan.c``), into the wheel or, for an editable install, next to
its source.

The extension only makes big COCO files fast; guidec works without it (every file then takes
the general reader). So a machine without a C compiler still installs guidec, with a
warning, unless ``GUIDEC_REQUIRE_EXTENSION=1`` is set, as CI does, to make a failed build an
error.
"""

from __future__ import annotations

import os
import sys
import tempfile

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

NAME = "guidec.readers._cocoscan"
SOURCE = "src/guidec/readers/_cocoscan.c"


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        try:
            built = self._compile(inplace=version == "editable")
        except Exception as exc:  # no compiler, no headers: the pure-Python reader remains
            if os.environ.get("GUIDEC_REQUIRE_EXTENSION"):
                raise
            print(f"guidec: the C scanner was not built ({exc}); COCO files will be read "
                  "by the general reader, about 4x slower", file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["force_include"][built] = "guidec/readers/" + os.path.basename(built)

    def _compile(self, inplace: bool) -> str:
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext

        ext = Extension(NAME, [SOURCE], extra_compile_args=["-O2", "-std=c11"])
        dist = Distribution({"name": "guidec", "ext_modules": [ext],
                             "package_dir": {"": "src"}})
        cmd = build_ext(dist)
        work = tempfile.mkdtemp(prefix="guidec-build-")
        cmd.build_temp = os.path.join(work, "temp")
        cmd.build_lib = os.path.join(work, "lib")
        cmd.inplace = inplace
        cmd.ensure_finalized()
        cmd.run()
        return cmd.get_ext_fullpath(NAME)
