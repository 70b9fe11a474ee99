"""copy/: large values copied where a reference would do."""
