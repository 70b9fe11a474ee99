"""stack/: what stays on the stack, and what that costs in frame size."""
