"""Bringing incidents over from other incident tools; `monzo/` reads the original Response."""
