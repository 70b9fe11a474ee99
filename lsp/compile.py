"""Compiler confirmation on save: `goperf.analyzer.compiler.apply_compiler`, in a worker thread.

The compiler engineer's function is looked up lazily; when it is missing (older install,
or the compiler mode is not there yet) the server logs that once and goes on without it.
"""

from __future__ import annotations

import importlib
import inspect
import os
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

log = logging.getLogger(__name__)

_apply: Callable | None = None
_looked = False


def apply_compiler() -> Callable | None:
    global _apply, _looked
    if not _looked:
        _looked = True
        override = os.environ.get("GOPERF_LSP_COMPILER")  # "module:function", for tests and experiments
        if override:
            module, _, name = override.partition(":")
            try:
                _apply = getattr(importlib.import_module(module), name or "apply_compiler")
                return _apply
            except (ImportError, AttributeError) as e:
                log.warning("goperf: GOPERF_LSP_COMPILER=%s unusable: %s", override, e)
        try:
            from goperf.analyzer.compiler import apply_compiler as fn  # type: ignore[attr-defined]
        except ImportError:
            try:
                from goperf.analyzer.compiler.apply import apply_compiler as fn  # type: ignore[no-redef]
            except ImportError as e:
                log.info("goperf: compiler confirmation unavailable (%s); syntax findings only", e)
                fn = None
        _apply = fn
    return _apply


class Compiler:
    """One compile at a time per package folder; a newer save cancels the older one."""

    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="goperf-compile")
        self.running: dict[str, threading.Event] = {}

    def start(self, folder: str) -> threading.Event:
        old = self.running.get(folder)
        if old is not None:
            old.set()
        cancel = threading.Event()
        self.running[folder] = cancel
        return cancel

    def finish(self, folder: str, cancel: threading.Event) -> None:
        if self.running.get(folder) is cancel:
            del self.running[folder]

    def call(self, fn: Callable, findings, folder: str, config, go: str | None, cancel: threading.Event):
        """Runs in the worker thread; passes `cancel` when the function accepts it."""
        if cancel.is_set():
            return None
        kwargs = {"go": go}
        try:
            if "cancel" in inspect.signature(fn).parameters:
                kwargs["cancel"] = cancel
        except (TypeError, ValueError):
            pass
        return fn(findings, folder, config, **kwargs)

    def shutdown(self) -> None:
        for cancel in self.running.values():
            cancel.set()
        self.executor.shutdown(wait=False, cancel_futures=True)
