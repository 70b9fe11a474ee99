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


def doc_uri(rule: Rule) -> str | None:
    """A file:// URI of the rule's page, or None if the cache is not writable."""
    return _page_uri(rule.id, rule.doc)


@lru_cache(maxsize=None)  # keyed by strings (their hashes are cached): this runs per diagnostic
def _page_uri(rule_id: str, doc: str) -> str | None:
    page = user_cache_dir() / "rules" / _version() / (rule_id.replace("/", "-") + ".md")
    text = f"# {rule_id}\n\n{doc.strip()}\n"
    try:
        if not page.is_file() or page.read_text() != text:
            page.parent.mkdir(parents=True, exist_ok=True)
            tmp = page.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text)
            tmp.replace(page)
    except OSError:
        return None
    return page.as_uri()
