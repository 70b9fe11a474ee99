from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .conftest import TESTDATA, open_doc


async def test_smoke(vsclient: LanguageClient):
    path = TESTDATA / "prealloc/slice/basic.go"
    diags = await open_doc(vsclient, path)
    print([(d.code, d.range.start.line, d.message) for d in diags])
    assert diags
