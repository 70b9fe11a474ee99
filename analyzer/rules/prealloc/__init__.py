"""prealloc/: grow-once containers."""
