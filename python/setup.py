"""Builds neardup._neardup with the repository's CMake (python/CMakeLists.txt) and packages it.

    python3 -m pip install --no-build-isolation ./python            # from the repository root
    NEARDUP_BUILD_DIR=build python3 -m pip install --no-build-isolation ./python

CMake configures the repository with only the library and the module (no tests, benchmarks or
programs) for the Python running pip, in setuptools' temporary folder; NEARDUP_BUILD_DIR names a
build folder configured already (absolute, or relative to the repository root; its module must be
for this Python's ABI), whose module is built there and copied. CMAKE_BUILD_PARALLEL_LEVEL sets the build's jobs. The version is the project's, read
from the top-level CMakeLists.txt.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def project_version() -> str:
    text = (REPO / "CMakeLists.txt").read_text(encoding="utf-8")
    match = re.search(r"project\(neardup VERSION (\S+)", text)
    if not match:
        sys.exit("setup.py: no project(neardup VERSION ...) in CMakeLists.txt")
    return match.group(1)


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        given = os.environ.get("NEARDUP_BUILD_DIR")
        # Relative to the repository root: pip runs this from python/, not from where it was called.
        build = (REPO / given).resolve() if given else Path(self.build_temp).resolve() / "cmake"
        if not given:
            generator = ["-G", "Ninja"] if shutil.which("ninja") else []
            try:  # python3-pybind11 (or pybind11 from an index) says where its CMake files are
                import pybind11

                hints = [f"-Dpybind11_DIR={pybind11.get_cmake_dir()}"]
            except ImportError:  # pybind11-dev's, where CMake looks anyway
                hints = []
            subprocess.run(["cmake", "-S", str(REPO), "-B", str(build), *generator,
                            "-DCMAKE_BUILD_TYPE=Release", "-DNEARDUP_BUILD_PYTHON=ON",
                            "-DNEARDUP_BUILD_TESTS=OFF", "-DNEARDUP_BUILD_BENCHMARKS=OFF",
                            "-DNEARDUP_BUILD_EXAMPLES=OFF", "-DNEARDUP_INSTALL=OFF",
                            f"-DPython3_EXECUTABLE={sys.executable}", *hints], check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build), "--target", "neardup_python", "-j", jobs],
                       check=True)
        built = build / "python" / "package" / "neardup" / ("_neardup" + sysconfig.get_config_var("EXT_SUFFIX"))
        if not built.is_file():
            sys.exit(f"setup.py: no {built.name} in {build}: was it configured for another Python?")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(
    version=project_version(),
    ext_modules=[Extension("neardup._neardup", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
)
