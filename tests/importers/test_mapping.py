"""The pure pieces of the mapping, on the values the original's drivers hand over."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from response.importers.monzo.mapping import repair_tuple_text, slack_source, to_utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-09-04 13:49:00", datetime(2019, 9, 4, 13, 49, tzinfo=UTC)),  # SQLite, naive UTC
        ("2019-09-04 13:49:00.123456", datetime(2019, 9, 4, 13, 49, 0, 123456, tzinfo=UTC)),
        ("2019-09-04 14:49:00+01:00", datetime(2019, 9, 4, 13, 49, tzinfo=UTC)),
        (datetime(2019, 9, 4, 14, 49, tzinfo=ZoneInfo("Europe/London")),  # PostgreSQL
         datetime(2019, 9, 4, 13, 49, tzinfo=UTC)),
        (date(2019, 9, 4), datetime(2019, 9, 4, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)  # fmt: skip
def test_times_become_aware_utc(value, expected):
    assert to_utc(value, UTC) == expected


def test_naive_times_are_in_the_originals_zone():
    london = ZoneInfo("Europe/London")
    assert to_utc("2019-09-04 13:49:00", london) == datetime(2019, 9, 4, 12, 49, tzinfo=UTC)
    with pytest.raises(ValueError):
        to_utc("yesterday", UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("('Incident summary added: \"x\"',)", 'Incident summary added: "x"'),
        ('("It\'s fine",)', "It's fine"),
        ("(just brackets,)", None),
        ("('two', 'items')", None),
        ("A plain text", None),
    ],
)
def test_texts_saved_as_tuples_are_repaired(text, expected):
    assert repair_tuple_text(text) == expected


def test_slack_sources_match_the_adapters_keys():
    assert slack_source("C024BE91L", "1764000000.000100") == "slack:C024BE91L:1764000000.000100"
    assert slack_source(None, "1764000000.000100") is None
    assert slack_source("C1", "9" * 300) is None
