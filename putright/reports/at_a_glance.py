"""The few figures My work shows a report reader: the last quarter's responses judged against
the landlord's own policy timescale and against the Code's, stage by stage.

They are the performance report's own figures (``stage1.responded_within_policy_share`` and
``stage1.responded_on_time_share``, and stage 2's) over the 91 days to yesterday, so My work
and the report never disagree. They are kept for an hour: yesterday's figures do not change
within the day, except for responses recorded late, which the report itself shows at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache

from putright.organisations.models import Organisation

from .service import Report, ReportInputError, performance_report

#: How far back My work looks: a quarter, to yesterday.
DAYS = 91
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class StageGlance:
    level: int
    responses: int
    within_policy: str  # "85%", or "-" where no response had a policy timescale
    within_code: str


@dataclass(frozen=True)
class Glance:
    organisation: Organisation
    start: datetime.date
    end: datetime.date
    stages: tuple[StageGlance, ...]


def _share(report: Report, key: str) -> str:
    figure = report.figure(key)
    return figure.display() if figure is not None and figure.value is not None else "-"


def timescales_at_a_glance(organisation: Organisation, today: datetime.date) -> Glance:
    """Responses of the last quarter within the policy's timescale and within the Code's."""
    end = today - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=DAYS - 1)
    # The pack in the key: a change of policy shows at once.
    key = f"putright:glance:{organisation.pk}:{organisation.policy_pack}:{end.isoformat()}"
    stages = cache.get(key)
    if stages is None:
        try:
            report = performance_report(organisation, start, end, today=today)
        except ReportInputError:
            stages = ()
        else:
            stages = tuple(
                StageGlance(
                    level=level,
                    responses=int(
                        getattr(report.figure(f"stage{level}.responded"), "value", 0) or 0
                    ),
                    within_policy=_share(report, f"stage{level}.responded_within_policy_share"),
                    within_code=_share(report, f"stage{level}.responded_on_time_share"),
                )
                for level in (1, 2)
            )
        cache.set(key, stages, CACHE_SECONDS)
    return Glance(organisation=organisation, start=start, end=end, stages=stages)
