from tests.cases.conftest import clock, handler, manager, organisation_on, receive  # noqa: F401
