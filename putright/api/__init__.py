"""The JSON API under /api/v1/: every operation of PutRight, for those allowed."""
