"""Fixtures for the resident portal: organisations, a clean cache and text-message outbox."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from putright.portal import sms


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright")


@pytest.fixture(autouse=True)
def _fresh_limits_and_outbox(settings):
    """Each test starts with no rate-limit counts and an empty text-message outbox."""
    settings.PUTRIGHT_SMS_BACKEND = "putright.portal.sms.MemoryBackend"
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()


@pytest.fixture
def slh(organisation_on):
    """A landlord whose policy takes compliments, comments and suggestions too."""
    return organisation_on("south-liverpool-homes-2021")


@pytest.fixture
def code_org(organisation_on):
    """A landlord on the Housing Ombudsman's Code: complaints only."""
    return organisation_on("hos-code-2024")
