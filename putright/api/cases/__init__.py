"""Cases over the API: list, record, read, and every action of the lifecycle.

One module per concept: ``listing`` (``GET /cases``), ``intake`` (``POST /cases``), ``reading``
(``GET /cases/{reference}``), ``actions`` (``POST /cases/{reference}/{action}``), all answering
with a case built one way by ``answers``.
"""

from . import actions, intake, listing, reading  # noqa: F401  (each registers its endpoints)
from ._router import router
from .answers import case_detail, case_summary, render

__all__ = ["case_detail", "case_summary", "render", "router"]
