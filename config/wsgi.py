"""WSGI entry point: ``gunicorn config.wsgi`` (and ``putright serve``)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
# Every URL, view and API schema loaded now rather than by the first request, then kept
# out of the garbage collector's sight: the objects made at start-up live as long as the
# process, and scanning them again at every full collection cost API requests about 5%.
get_resolver().url_patterns  # noqa: B018 (loads the URLconf)
# Every policy pack validated now: a broken pack stops the server at start-up, naming its
# file and field, rather than failing the first request that needs it.
from putright.policies.registry import pack_registry  # noqa: E402

pack_registry()
gc.freeze()
