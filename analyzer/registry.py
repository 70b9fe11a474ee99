"""Every rule goperf has, listed explicitly (no import-time discovery)."""

from __future__ import annotations

from .rule import Rule
from .rules.escape import escapes_to_heap as escape_escapes
from .rules.escape import moved_to_heap as escape_moved
from .rules.stack import large_frame as stack_large_frame
from .rules.concat import loop as concat_loop
from .rules.copy import large_param as copy_large_param
from .rules.copy import range_value as copy_range_value
from .rules.prealloc import buffer as prealloc_buffer
from .rules.prealloc import map as prealloc_map
from .rules.loop import temporary as loop_temporary
from .rules.mutex import copied as mutex_copied
from .rules.mutex import pointer_field as mutex_pointer_field
from .rules.prealloc import slice as prealloc_slice

RULES: tuple[Rule, ...] = (
    escape_moved.RULE,
    escape_escapes.RULE,
    stack_large_frame.RULE,
    prealloc_slice.RULE,
    prealloc_map.RULE,
    prealloc_buffer.RULE,
    concat_loop.RULE,
    copy_range_value.RULE,
    copy_large_param.RULE,
    mutex_pointer_field.RULE,
    mutex_copied.RULE,
    loop_temporary.RULE,
)

# Renamed rule ids keep working in //goperf:ignore and configuration.
REDIRECTS: dict[str, str] = {}

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
FAMILIES: frozenset[str] = frozenset(r.family for r in RULES)


def lookup(name: str) -> Rule | None:
    return BY_ID.get(REDIRECTS.get(name, name))


def check_selector(name: str) -> None:
    """Raise ValueError if `name` is neither a rule id, a family nor "all"."""
    if name != "all" and lookup(name) is None and name not in FAMILIES:
        raise ValueError(f"unknown rule or family {name!r} (see `goperf rules`)")
