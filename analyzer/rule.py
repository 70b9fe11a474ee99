"""The Rule value every rule module exports, in the manner of go/analysis.Analyzer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from .model import Finding, FixAvailability, Severity

if TYPE_CHECKING:
    from .context import Context

DOC_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Fix safety")


@dataclass(frozen=True)
class Rule:
    id: str  # "family/name", stable
    doc: str  # the module docstring: first line is the title, then the four headings
    check: Callable[["Context"], Iterable[Finding]]
    severity: Severity = Severity.WARNING
    fix: FixAvailability = FixAvailability.NONE
    status: str = "stable"  # "stable" | "preview" (preview rules are opt-in)
    peers: tuple[str, ...] = ()  # golangci-lint linters whose //nolint:NAME silences this rule

    @property
    def family(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def title(self) -> str:
        return self.doc.strip().splitlines()[0].strip().rstrip(".")

    def section(self, heading: str) -> str:
        """The text under one `## heading` of the doc page."""
        m = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", self.doc, re.S | re.M)
        return m.group(1).strip() if m else ""
