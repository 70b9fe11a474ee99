"""Compiler mode: the gc compiler's escape decisions as facts (see build.py, diagnostics.py, apply.py)."""
