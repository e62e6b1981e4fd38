"""Case tests use the shared fixtures in tests/conftest.py."""

from tests.conftest import LONDON, at

__all__ = ["LONDON", "at"]
