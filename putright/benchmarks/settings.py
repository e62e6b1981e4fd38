"""Settings for the server ``putright bench api`` starts: the demo settings, and with
``PUTRIGHT_BENCH_BARE_VIEW=1`` the baselines (``putright.benchmarks.bare``) beside
PutRight's own URLs.

Production never loads this module, so its URLs never include the baselines.
"""

from config.settings.base import env_bool
from config.settings.demo import *  # noqa: F403

if env_bool("PUTRIGHT_BENCH_BARE_VIEW"):
    ROOT_URLCONF = "putright.benchmarks.bare"
