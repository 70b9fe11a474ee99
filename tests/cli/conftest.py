import pytest

from goperf.cli import cache


@pytest.fixture(autouse=True)
def _own_lint_cache(tmp_path_factory, monkeypatch):
    """Each test starts with an empty lint cache of its own (a test that monkeypatches a rule must
    not read another test's findings for the same files)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("GOPERF_NO_CACHE", raising=False)
    cache._folder.cache_clear()
    yield
    cache._folder.cache_clear()
