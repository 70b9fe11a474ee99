"""The values the analyzer produces: findings, their fixes and estimates.

Positions are byte offsets into the file's UTF-8 source, as tree-sitter and the Go
tools count them. Line/column conversion happens at the edges (cli output, lsp).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum


class Severity(IntEnum):
    HINT = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @classmethod
    def parse(cls, name: str) -> "Severity":
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r} (hint, info, warning, error)") from None

    def __str__(self) -> str:
        return self.name.lower()


class Applicability(Enum):
    """How much a fix can be trusted; `goperf lint --fix` applies SAFE only."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


class FixAvailability(Enum):
    """What a rule promises about fixes; the test harness holds rules to it."""

    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


@dataclass(frozen=True)
class Edit:
    start: int  # byte offset
    end: int
    new_text: str
    path: str | None = None  # None: the finding's own file


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


@dataclass(frozen=True)
class Estimate:
    """Heap cost a finding stands for, per call or per loop iteration."""

    objects: float
    bytes: float
    per: str = "call"  # "call" | "iteration"
    saved_objects: float | None = None
    saved_bytes: float | None = None


@dataclass(frozen=True)
class Related:
    start: int
    end: int
    message: str


@dataclass
class Finding:
    rule: str
    path: str
    start: int
    end: int
    message: str
    severity: Severity = Severity.WARNING
    fixes: tuple[Fix, ...] = ()
    related: tuple[Related, ...] = ()
    estimate: Estimate | None = None
    source: str = "syntax"  # "syntax" | "compiler"
    explain: str | None = None
    function: str | None = None  # enclosing function, "Recv.Name" or "Name"
    data: dict = field(default_factory=dict)
