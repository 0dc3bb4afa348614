"""Benchmarks of Styrdok at municipal scale; run ``python -m bench.run`` (see bench/run.py)."""
