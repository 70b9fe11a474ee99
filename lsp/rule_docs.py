"""Rule pages for editors: a diagnostic's code links to the rule's doc.

goperf has no documentation site, so the page is the rule's own doc (what `goperf explain`
prints), written once per version as Markdown under the user cache. VS Code opens the
`file://` link in a tab; clients that do not show links simply ignore it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from goperf.analyzer.config import user_cache_dir
from goperf.analyzer.rule import Rule


def _version() -> str:
    try:
        return version("goperf")
    except PackageNotFoundError:
        return "dev"


@lru_cache(maxsize=None)
def doc_uri(rule: Rule) -> str | None:
    """A file:// URI of the rule's page, or None if the cache is not writable."""
    page = user_cache_dir() / "rules" / _version() / (rule.id.replace("/", "-") + ".md")
    text = f"# {rule.id}\n\n{rule.doc.strip()}\n"
    try:
        if not page.is_file() or page.read_text() != text:
            page.parent.mkdir(parents=True, exist_ok=True)
            tmp = page.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text)
            tmp.replace(page)
    except OSError:
        return None
    return page.as_uri()
