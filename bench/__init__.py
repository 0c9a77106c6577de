"""Benchmarks of the course on this machine: ``python -m bench.run`` (``make bench``), not part of ``make test``."""
