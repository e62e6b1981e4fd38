"""Production settings: everything from the environment, nothing relaxed."""

import os

from .base import *  # noqa: F403
from .base import env_bool

SECURE_SSL_REDIRECT = env_bool("PUTRIGHT_SSL_REDIRECT", True)
# Load balancers, container health checks and Prometheus ask over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("PUTRIGHT_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
