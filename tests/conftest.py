"""Shared fixtures."""

from __future__ import annotations

from django.conf import settings


def pytest_report_header() -> str:
    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME', '')}"
