"""Benchmarks for Outcomes Coach (not part of the test suite).

``python -m bench.run`` (``make bench``) measures training time, cold start, REST turn latency
and peak memory of this bot against Rasa's own starter bot, and rewrites docs/benchmarks.md.
"""
