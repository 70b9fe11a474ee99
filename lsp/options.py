"""Typed, defaulted settings for `goperf serve`.

They arrive as `initializationOptions` and with `workspace/didChangeConfiguration`
(either flat or under a `goperf` key, camelCase, kebab-case or snake_case). A bad value
never stops the server: it is reported as a warning and that one setting keeps its
default. The analyzer settings (enable, disable, minSeverity, thresholds, tests) go on
top of the `goperf.toml` found next to the file's go.mod, as the CLI's options do.

    {
      "enable": ["escape", "prealloc/slice"],   # rules or families; "all" for preview rules
      "disable": ["copy/range-value"],
      "minSeverity": "hint",                    # hint | info | warning | error
      "thresholds": {"large-frame": 8192},
      "tests": false,                           # lint _test.go files
      "compiler": true,                         # confirm with `go build` on save
      "go": "/usr/local/go/bin/go",             # path of the go command
      "codeLens": true,
      "profileReport": "goperf-profile.json",   # relative to the workspace root
      "maxFileSize": 4000000,                   # bytes; larger files are not analyzed
      "severity": {"prealloc": "info", "escape/moved-to-heap": "warning"}  # per rule or family
    }
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from goperf.analyzer import config as configuration
from goperf.analyzer import registry
from goperf.analyzer.config import Config
from goperf.analyzer.model import Severity

log = logging.getLogger(__name__)

PROFILE_REPORT = "goperf-profile.json"


@dataclass(frozen=True)
class Options:
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    min_severity: Severity | None = None
    thresholds: dict = field(default_factory=dict)
    tests: bool | None = None
    compiler: bool = True
    go: str | None = None
    code_lens: bool = True
    profile_report: str = PROFILE_REPORT
    max_file_size: int = 4_000_000
    severity: dict = field(default_factory=dict)  # rule id or family → Severity, overriding the rule's

    def severity_of(self, rule: str) -> Severity | None:
        return self.severity.get(rule) or self.severity.get(rule.split("/", 1)[0])

    def config(self, base: Config) -> Config:
        return base.merged(
            enable=self.enable or None,
            disable=self.disable or None,
            min_severity=self.min_severity,
            thresholds=self.thresholds or None,
            tests=self.tests,
        )


def _norm(key: str) -> str:
    return key.replace("-", "").replace("_", "").lower()


_FIELDS = {
    "enable": "enable", "select": "enable",
    "disable": "disable", "ignore": "disable",
    "minseverity": "min_severity",
    "thresholds": "thresholds",
    "tests": "tests",
    "compiler": "compiler", "compileronsave": "compiler",
    "go": "go", "gopath": "go", "gocommand": "go",
    "codelens": "code_lens", "lens": "code_lens",
    "profilereport": "profile_report",
    "maxfilesize": "max_file_size",
    "severity": "severity", "severities": "severity",
}


# Settings that editors keep for themselves (how to start the server, tracing).
_CLIENT_ONLY = {"server", "trace", "serverpath", "serverpython", "serverextraargs", "traceserver"}


def parse(raw: object, base: Options | None = None) -> tuple[Options, list[str]]:
    """Settings from the client → (options, warnings). Never raises."""
    warnings: list[str] = []
    options = base or Options()
    if raw is None:
        return options, warnings
    if isinstance(raw, dict) and isinstance(raw.get("goperf"), dict):
        raw = raw["goperf"]
    if not isinstance(raw, dict):
        return options, [f"goperf settings must be an object, got {type(raw).__name__}; using defaults"]
    values: dict = {}
    for key, value in raw.items():
        name = _FIELDS.get(_norm(str(key)))
        if name is None and _norm(str(key)) in _CLIENT_ONLY:
            continue
        if name is None:
            warnings.append(f"unknown goperf setting {key!r} ignored")
            continue
        try:
            values[name] = _CHECK[name](value)
        except (TypeError, ValueError) as e:
            warnings.append(f"goperf setting {key!r}: {e}; using the default")
    # Rule names are checked one by one: an unknown one is dropped, the rest kept.
    for name in ("enable", "disable"):
        if name in values:
            kept = []
            for sel in values[name]:
                try:
                    registry.check_selector(sel)
                    kept.append(sel)
                except ValueError as e:
                    warnings.append(f"goperf setting {name!r}: {e}")
            values[name] = tuple(kept)
    if "severity" in values:
        good = {}
        for k, v in values["severity"].items():
            try:
                registry.check_selector(k)
                good[k] = _severity(v)
            except (TypeError, ValueError) as e:
                warnings.append(f"goperf setting 'severity' for {k!r}: {e}")
        values["severity"] = good
    if "thresholds" in values:
        good = {}
        for k, v in values["thresholds"].items():
            if k not in configuration.DEFAULT_THRESHOLDS:
                warnings.append(f"goperf threshold {k!r} is unknown ({', '.join(configuration.DEFAULT_THRESHOLDS)})")
            elif isinstance(v, bool) or not isinstance(v, int) or v < 0:
                warnings.append(f"goperf threshold {k!r} must be a non-negative integer")
            else:
                good[k] = v
        values["thresholds"] = good
    return replace(Options(), **values), warnings


def _str_list(v) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [s.strip() for s in v.split(",") if s.strip()]
    if not isinstance(v, (list, tuple)) or not all(isinstance(s, str) for s in v):
        raise TypeError("expected a list of rule ids or families")
    return tuple(v)


def _bool(v) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("on", "true", "onsave", "yes"):
        return True
    if isinstance(v, str) and v.lower() in ("off", "false", "no", "never"):
        return False
    raise TypeError(f"expected true or false, got {v!r}")


def _severity(v) -> Severity:
    if not isinstance(v, str):
        raise TypeError("expected one of hint, info, warning, error")
    return Severity.parse(v)


def _dict(v) -> dict:
    if not isinstance(v, dict):
        raise TypeError("expected an object")
    return dict(v)


def _opt_str(v) -> str | None:
    if v is None or v == "":
        return None
    if not isinstance(v, str):
        raise TypeError("expected a string")
    return v


def _str(v) -> str:
    if not isinstance(v, str) or not v:
        raise TypeError("expected a non-empty string")
    return v


def _size(v) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise ValueError("expected a positive number of bytes")
    return v


def _opt_bool(v) -> bool | None:
    return None if v is None else _bool(v)


_CHECK = {
    "enable": _str_list, "disable": _str_list, "min_severity": _severity, "thresholds": _dict,
    "tests": _opt_bool, "compiler": _bool, "go": _opt_str, "code_lens": _bool,
    "profile_report": _str, "max_file_size": _size, "severity": _dict,
}


class ProjectConfigs:
    """`goperf.toml` per folder (cached by path and mtime); bad files degrade to defaults."""

    def __init__(self):
        self._cache: dict[Path, tuple[Path | None, int, Config]] = {}
        self.warnings: list[str] = []

    def base(self, folder: Path) -> Config:
        try:
            cached = self._cache.get(folder)
            if cached is not None:
                path, mtime, config = cached
                if path is None or (path.exists() and path.stat().st_mtime_ns == mtime):
                    return config
            path = configuration.find_config(folder)
            if path is None:
                config, mtime = Config(), 0
            else:
                mtime = path.stat().st_mtime_ns
                try:
                    config = configuration.load(path)
                except configuration.ConfigError as e:
                    self.warnings.append(f"{e}; using defaults")
                    config = Config()
            self._cache[folder] = (path, mtime, config)
            return config
        except OSError as e:
            self.warnings.append(f"goperf.toml near {folder}: {e}")
            return Config()

    def clear(self) -> None:
        self._cache.clear()
