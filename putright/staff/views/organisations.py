"""Organisations and their policy packs: stages and timescales, and the check against the Code."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from putright.accounts.access import organisations_for
from putright.accounts.models import User
from putright.domain.compliance import VERDICT_LABELS, Verdict, check_against_code
from putright.domain.errors import UnknownPackError
from putright.policies.presenters import step_timescale
from putright.policies.registry import code_pack, get_pack

VERDICT_TAGS = {
    Verdict.FALLS_SHORT: "red",
    Verdict.NOT_STATED: "yellow",
    Verdict.MEETS: "green",
    Verdict.GOES_BEYOND: "blue",
}


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "staff/organisations.html",
        {"organisations": organisations_for(user).select_related("parent").order_by("name")},
    )


@login_required
def policy(request: HttpRequest, pack_id: str) -> HttpResponse:
    """A pack's stages and timescales as a table, and its findings against the Code."""
    try:
        pack = get_pack(pack_id)
    except UnknownPackError:
        raise Http404("There is no such policy.") from None
    stages = [
        {
            "stage": stage,
            "steps": [
                (step, step_timescale(step, stage_level=stage.level)) for step in stage.steps
            ],
            "routes": [
                {
                    "route": route,
                    "steps": [
                        (step, step_timescale(step, stage_level=stage.level))
                        for step in route.steps
                    ],
                }
                for route in stage.routes
            ],
        }
        for stage in pack.stages
    ]
    checked = check_against_code(pack, code_pack())
    findings = [
        {"finding": f, "label": VERDICT_LABELS[f.verdict], "tag": VERDICT_TAGS[f.verdict]}
        for f in checked
    ]
    verdicts = Counter(f.verdict for f in checked)
    tally = [
        {"label": VERDICT_LABELS[verdict], "tag": tag, "count": verdicts[verdict]}
        for verdict, tag in VERDICT_TAGS.items()
        if verdicts[verdict]
    ]
    return render(
        request,
        "staff/policy.html",
        {"pack": pack, "stages": stages, "findings": findings, "tally": tally},
    )
