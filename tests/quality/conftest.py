"""The API's fixtures (an organisation with one user per role, tokens, a clock) for the
quality tests."""

from tests.api.conftest import (  # noqa: F401  (fixtures)
    Api,
    api_for,
    apis,
    at,
    cases,
    clock,
    customer,
    handler_api,
    make_user,
    org,
    other_org,
    receive,
    users,
)
