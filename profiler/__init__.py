"""goperf profiler."""
