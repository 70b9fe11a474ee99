"""Which rules run and with which thresholds; read from goperf.toml next to go.mod."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .model import Severity

CONFIG_NAME = "goperf.toml"

DEFAULT_THRESHOLDS = {
    "range-value": 128,  # copy/range-value: element bytes copied per iteration
    "large-param": 256,  # copy/large-param: struct bytes copied per call
    "large-frame": 4096,  # stack/large-frame: bytes of frame
    "recursive-frame": 512,  # stack/large-frame: bytes of frame for recursive functions
}


def user_cache_dir() -> Path:
    """goperf's per-user cache: $XDG_CACHE_HOME/goperf, else ~/.cache/goperf."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "goperf"


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    enable: tuple[str, ...] = ()  # rule ids or families; "all" turns preview rules on too
    disable: tuple[str, ...] = ()
    min_severity: Severity | None = None  # None: the front end's default (cli: info, editors: hint)
    tests: bool = False  # lint _test.go files
    generated: bool = False  # lint files marked "// Code generated … DO NOT EDIT." (as golangci-lint, off by default)
    thresholds: dict = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))

    def threshold(self, name: str) -> int:
        return int(self.thresholds.get(name, DEFAULT_THRESHOLDS[name]))

    def merged(self, **overrides) -> "Config":
        """Command-line options on top of the file's: lists extend, scalars replace."""
        kw = {}
        for key, value in overrides.items():
            if value is None:
                continue
            if key in ("enable", "disable"):
                kw[key] = getattr(self, key) + tuple(value)
            elif key == "thresholds":
                kw[key] = {**self.thresholds, **value}
            else:
                kw[key] = value
        return replace(self, **kw)


def from_mapping(data: dict, origin: str = "config") -> Config:
    known = {"enable", "disable", "min-severity", "tests", "generated", "thresholds"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{origin}: unknown option(s) {', '.join(sorted(unknown))}")
    thresholds = dict(DEFAULT_THRESHOLDS)
    for key, value in (data.get("thresholds") or {}).items():
        if key not in DEFAULT_THRESHOLDS:
            raise ConfigError(f"{origin}: unknown threshold {key!r}")
        if not isinstance(value, int) or value < 0:
            raise ConfigError(f"{origin}: threshold {key} must be a non-negative integer")
        thresholds[key] = value
    try:
        severity = Severity.parse(data["min-severity"]) if "min-severity" in data else None
    except ValueError as e:
        raise ConfigError(f"{origin}: {e}") from None
    return Config(
        enable=tuple(_str_list(data, "enable", origin)),
        disable=tuple(_str_list(data, "disable", origin)),
        min_severity=severity,
        tests=bool(data.get("tests", False)),
        generated=bool(data.get("generated", False)),
        thresholds=thresholds,
    )


def _str_list(data: dict, key: str, origin: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: {key} must be a list of rule ids or families")
    return value


def find_config(start: Path) -> Path | None:
    """goperf.toml in the module root (the folder holding go.mod) or any folder up to it."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else [*start.parents]:
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / "go.mod").is_file():
            return None
    return None


def load(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: {e}") from None
    return from_mapping(data, str(path))
