"""Probe tests: a package, so basenames may repeat tests/engine's (test_optimizers.py)."""
