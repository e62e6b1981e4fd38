"""The API writes every answer with one serializer: values look the same on every endpoint."""

import datetime
import decimal
import json

import pytest
from django.utils.translation import gettext_lazy

from putright.api.api import api
from putright.api.rendering import to_json


def test_times_dates_and_money_are_written_as_iso_8601_and_strings():
    moment = datetime.datetime(2026, 3, 5, 11, 0, 0, 250000, tzinfo=datetime.UTC)
    london = datetime.timezone(datetime.timedelta(hours=1))
    answer = json.loads(
        to_json(
            {
                "at": moment,
                "whole": moment.replace(microsecond=0),
                "summer": moment.astimezone(london),
                "on": datetime.date(2026, 3, 5),
                "paid": decimal.Decimal("150.00"),
                "said": gettext_lazy("Not found."),
                "name": "Siân O'Connor",
            }
        )
    )
    assert answer == {
        "at": "2026-03-05T11:00:00.250000Z",
        "whole": "2026-03-05T11:00:00Z",
        "summer": "2026-03-05T12:00:00.250000+01:00",
        "on": "2026-03-05",
        "paid": "150.00",
        "said": "Not found.",
        "name": "Siân O'Connor",
    }


def test_a_value_with_no_json_form_is_an_error_not_a_guess():
    with pytest.raises(Exception, match="not JSON serializable"):
        to_json({"thing": object()})


def test_a_time_reads_the_same_in_a_list_and_in_the_case(handler_api, receive, org):
    moment = datetime.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    case = receive(received_at=moment)
    listed = handler_api.get("/cases", {"organisation": org.slug})
    shown = handler_api.get(f"/cases/{case.reference}")
    assert listed.status_code == shown.status_code == 200
    assert (
        listed.headers["Content-Type"]
        == shown.headers["Content-Type"]
        == ("application/json; charset=utf-8")
    )
    (item,) = (c for c in listed.json()["results"] if c["reference"] == case.reference)
    assert item["received_at"] == shown.json()["received_at"] == "2026-03-02T09:30:15.123456Z"
    assert api.renderer.render(None, {"on": datetime.date(2026, 1, 2)}, response_status=200) == (  # type: ignore[arg-type]
        b'{"on":"2026-01-02"}'
    )
