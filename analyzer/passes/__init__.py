"""Shared work for rules: computed once, reporting nothing."""
