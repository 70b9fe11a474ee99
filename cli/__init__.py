"""goperf cli."""
