"""Benchmarks for DESIGN §8: `make bench` (full size) and `make bench-quick` (smoke test).

Every benchmark compares the real code path with a baseline measured in the same run and
reports the ratio against its budget. Nothing here is imported by the application; Qt is
imported only inside the UI benchmarks and their child processes.
"""
