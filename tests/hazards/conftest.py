"""The API's fixtures (an organisation with one user per role, tokens, a clock at a Monday in
March 2026) for the hazards tests."""

from tests.api.conftest import (  # noqa: F401  (fixtures)
    apis,
    cases,
    clock,
    customer,
    org,
    other_org,
    receive,
    users,
)
