"""Benchmarks behind ``putright bench``: each compares PutRight with a bare baseline in one run."""
