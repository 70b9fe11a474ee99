"""concat/: building strings."""
