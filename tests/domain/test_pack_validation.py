"""A pack that points at nothing, or says something the format cannot mean, is refused on load,
naming the file and the field."""

import textwrap

import pytest

from putright.domain.errors import PackError
from putright.domain.policy import (
    TENURES,
    OmbudsmanRoute,
    parse_pack,
)

HEAD = """
format = 1
id = "example"
version = "1"
title = "Example"
source = "Example Homes, Complaints Policy"
service_areas = ["Repairs", "Care", "Service charges"]
categories = ["Delay", "Conduct"]

[[roles]]
id = "officer"
title = "Complaints Officer"
acts_as = ["complaint_handler"]

[[roles]]
id = "manager"
title = "Complaints Manager"
acts_as = ["complaints_manager"]

[[kinds]]
kind = "complaint"
label = "Complaint"
starts_at = "stage1"

[[stages]]
id = "stage1"
label = "Stage 1"
level = 1

  [[stages.steps]]
  id = "acknowledge"
  label = "Acknowledge"
  days = 5

  [[stages.steps]]
  id = "respond"
  label = "Respond"
  days = 10
  start = "acknowledged"
  extendable = true

  [stages.escalation]
  to = "stage2"

[[stages]]
id = "stage2"
label = "Stage 2"
level = 2
final = true

  [[stages.steps]]
  id = "acknowledge"
  label = "Acknowledge"
  days = 5

  [[stages.steps]]
  id = "respond"
  label = "Respond"
  days = 20
  start = "acknowledged"
  extendable = true

  [[stages.routes]]
  id = "panel"
  label = "Review panel"

  [[stages.routes]]
  id = "review"
  label = "Senior manager review"
"""


def pack_text(extra_stage2: str = "", extra: str = "") -> str:
    return HEAD + textwrap.dedent(extra_stage2) + "\n" + textwrap.dedent(extra)


def problems(text: str) -> str:
    with pytest.raises(PackError) as raised:
        parse_pack(text, source="/packs/example.toml")
    message = str(raised.value)
    assert "/packs/example.toml" in message
    return message


def test_the_base_pack_is_valid():
    assert parse_pack(pack_text(), source="example.toml").id == "example"


# --- [[ombudsman.rules]] ---------------------------------------------------------------


def test_an_ombudsman_rule_routes_a_matching_case_and_the_first_match_wins():
    pack = parse_pack(
        pack_text(
            extra="""
            [ombudsman]
            [[ombudsman.rules]]
            route = "lgsco"
            service_areas = ["Care"]
            [[ombudsman.rules]]
            route = "tribunal"
            tenures = ["leaseholder"]
            service_areas = ["Service charges", "Care"]
            """
        ),
        source="example.toml",
    )
    ombudsman = pack.ombudsman
    assert (
        ombudsman.route_for(tenure="tenant", service_area="Care", category="")
        is OmbudsmanRoute.LGSCO
    )
    assert (
        ombudsman.route_for(tenure="leaseholder", service_area="Care", category="")
        is OmbudsmanRoute.LGSCO
    )
    assert (
        ombudsman.route_for(tenure="leaseholder", service_area="Service charges", category="")
        is OmbudsmanRoute.TRIBUNAL
    )
    # every condition a rule gives must match; no rule: the organisation's default
    assert ombudsman.route_for(tenure="tenant", service_area="Service charges", category="") is None
    assert ombudsman.route_for(tenure="tenant", service_area="Repairs", category="Delay") is None


def test_an_ombudsman_rule_names_only_the_packs_service_areas_categories_and_known_tenures():
    message = problems(
        pack_text(
            extra="""
            [ombudsman]
            [[ombudsman.rules]]
            route = "lgsco"
            service_areas = ["Care services"]
            categories = ["Rudeness"]
            """
        )
    )
    assert (
        "ombudsman.rules[0].service_areas: 'Care services' is not in the pack's service_areas"
        in (message)
    )
    assert "ombudsman.rules[0].categories: 'Rudeness' is not in the pack's categories" in message

    message = problems(
        pack_text(
            extra="""
            [ombudsman]
            [[ombudsman.rules]]
            route = "lgsco"
            tenures = ["carer"]
            """
        )
    )
    assert "ombudsman.rules[0].tenures[0]" in message


def test_an_ombudsman_rule_without_any_condition_is_refused():
    message = problems(
        pack_text(
            extra="""
            [ombudsman]
            [[ombudsman.rules]]
            route = "lgsco"
            """
        )
    )
    assert "ombudsman.rules[0]: a rule needs at least one of" in message


def test_the_tenures_a_rule_may_name_are_the_tenures_a_person_can_hold():
    from putright.people.models import Tenure

    assert set(TENURES) == set(Tenure.values)


# --- [anonymous] ------------------------------------------------------------------------


def test_anonymous_complaints_default_to_none_and_can_be_investigated_without_a_response():
    assert parse_pack(pack_text(), source="example.toml").anonymous is None
    pack = parse_pack(
        pack_text(extra='[anonymous]\nrespond = false\nsource = "4.1.1"\n'), source="example.toml"
    )
    assert pack.anonymous is not None
    assert pack.anonymous.accepted
    assert not pack.anonymous.respond


# --- response_counts ----------------------------------------------------------------------


def test_only_an_acknowledgement_can_be_met_by_a_response():
    message = problems(
        pack_text().replace(
            'days = 20\n  start = "acknowledged"',
            'days = 20\n  start = "acknowledged"\n  response_counts = true',
        )
    )
    assert "stages[1].steps[1].response_counts: only an acknowledgement step" in message
    ok = pack_text().replace("days = 5\n", "days = 5\n  response_counts = true\n", 1)
    assert parse_pack(ok, source="example.toml").stages[0].steps[0].response_counts


# --- extension: other_reasons, agreement_for, on_refusal_offer_route -----------------------


PANEL_EXTENSION = """
    [stages.routes.extension]
    max_days = 10
    reasons = [ {{ id = "panel_availability", label = "Panel availability" }} ]
    other_reasons = {other}
    customer_agreement = {agreement}
    agreement_for = [{agreement_for}]
    on_refusal_offer_route = "{offer}"
"""


def panel_pack(**kwargs):
    text = pack_text()
    # the extension belongs to the first route, "panel": put it right after it
    extension = PANEL_EXTENSION.format(
        other=kwargs.get("other", "true"),
        agreement=kwargs.get("agreement", "true"),
        agreement_for=kwargs.get("agreement_for", '"panel_availability"'),
        offer=kwargs.get("offer", "review"),
    )
    return text.replace(
        'label = "Review panel"\n', 'label = "Review panel"\n' + textwrap.dedent(extension), 1
    )


def test_an_extension_for_any_reason_asks_agreement_only_for_the_reasons_listed():
    pack = parse_pack(panel_pack(), source="example.toml")
    extension = pack.stage("stage2").extension_for("panel")
    assert extension.allows_reason("panel_availability")
    assert extension.allows_reason("A contractor is not available")
    assert extension.needs_agreement("panel_availability")
    assert not extension.needs_agreement("A contractor is not available")
    assert extension.on_refusal_offer_route == "review"


def test_a_closed_list_refuses_other_reasons_and_agreement_for_nothing_listed_means_always():
    pack = parse_pack(panel_pack(other="false", agreement_for=""), source="example.toml")
    extension = pack.stage("stage2").extension_for("panel")
    assert not extension.allows_reason("A contractor is not available")
    assert extension.needs_agreement("panel_availability")


def test_agreement_for_names_a_listed_reason_and_needs_customer_agreement():
    message = problems(panel_pack(agreement_for='"holidays"'))
    assert (
        "stages[1].routes[0].extension.agreement_for: no reason 'holidays' in its reasons"
        in message
    )
    message = problems(panel_pack(agreement="false"))
    assert "stages[1].routes[0].extension.agreement_for: needs customer_agreement = true" in (
        message
    )


def test_the_route_offered_on_refusal_is_a_route_of_the_same_stage():
    message = problems(panel_pack(offer="senior_manager_review"))
    assert (
        "stages[1].routes[0].extension.on_refusal_offer_route: no route 'senior_manager_review'"
        in message
    )


# --- references that point at nothing (issue: accepted silently before) -------------------


def test_a_compensation_refusal_route_must_exist():
    message = problems(
        pack_text(extra='[compensation]\nrefusal_opens_route = "compensation_review"\n')
    )
    assert "compensation.refusal_opens_route: no route 'compensation_review' in any stage" in (
        message
    )
    ok = pack_text(extra='[compensation]\nrefusal_opens_route = "review"\n')
    assert parse_pack(ok, source="example.toml").compensation.refusal_opens_route == "review"


def test_closure_stages_must_exist():
    message = problems(
        pack_text(
            extra="""
            [[closure]]
            reason = "resolved"
            days = 0
            stages = ["stage1", "stage_one"]
            """
        )
    )
    assert "closure[0].stages[1]: no stage 'stage_one'" in message


def test_a_letters_stage_and_route_must_exist_and_agree():
    message = problems(
        pack_text(
            extra="""
            [[letters]]
            event = "responded"
            stage = "stage3"
            template = "response"
            label = "Response"

            [[letters]]
            event = "responded"
            stage = "stage2"
            route = "panel_review"
            template = "response"
            label = "Response"

            [[letters]]
            event = "responded"
            stage = "stage1"
            route = "panel"
            template = "response"
            label = "Response"
            """
        )
    )
    assert "letters[0].stage: no stage 'stage3'" in message
    assert "letters[1].route: no route 'panel_review' in any stage" in message
    assert "letters[2].route: 'panel' is a route of 'stage2', not of 'stage1'" in message


def test_those_told_of_an_extension_must_be_roles():
    text = pack_text().replace(
        '  [stages.escalation]\n  to = "stage2"',
        '  [stages.extension]\n  max_days = 10\n  tell = ["customer", "complaints_lead"]\n\n'
        '  [stages.escalation]\n  to = "stage2"',
    )
    message = problems(text)
    assert "stages[0].extension.tell[1]: no role 'complaints_lead' in [[roles]]" in message


BANDS = """
[compensation]
  [[compensation.bands]]
  id = "low"
  label = "Low"
  min_pence = {low_min}
  max_pence = {low_max}

  [[compensation.bands]]
  id = "high"
  label = "High"
  min_pence = {high_min}
"""


def test_compensation_bands_must_not_run_backwards():
    message = problems(pack_text(extra=BANDS.format(low_min=5000, low_max=1000, high_min=5001)))
    assert "compensation.bands[0]: min_pence 5000 is above max_pence 1000" in message


def test_compensation_bands_must_not_overlap():
    message = problems(pack_text(extra=BANDS.format(low_min=0, low_max=10000, high_min=10000)))
    assert "compensation.bands[1]: overlaps compensation.bands[0]" in message
    ok = pack_text(extra=BANDS.format(low_min=0, low_max=10000, high_min=10001))
    assert len(parse_pack(ok, source="example.toml").compensation.bands) == 2


def test_a_misspelt_step_id_without_completed_by_is_refused():
    # "acknowledgement" would otherwise be a ceiling met only by the response.
    misspelt = pack_text().replace('id = "acknowledge"', 'id = "acknowledgement"', 1)
    message = problems(misspelt)
    assert "stages[0].steps[0].id: 'acknowledgement' is not one of acknowledge, respond, " in (
        message
    )
    assert "completed_by" in message
    named = misspelt.replace(
        'id = "acknowledgement"', 'id = "acknowledgement"\n  completed_by = "acknowledged"', 1
    )
    assert parse_pack(named, source="example.toml").stages[0].steps[0].id == "acknowledgement"
