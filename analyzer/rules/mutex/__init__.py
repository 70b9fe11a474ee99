"""mutex/: locks held by pointer or copied by value."""
