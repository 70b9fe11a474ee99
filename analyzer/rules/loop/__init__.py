"""loop/: work inside loops that does not depend on the iteration."""
