"""The hot-loop shortcuts for times agree with the general, located path."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from irdesk.importers.reading.timestamps import stored_time, utc_if_plain
from irdesk.storage.bulk.stored_text import db_time

whole_seconds = st.datetimes(
    # hypothesis wants naive bounds; the values it makes are aware (timezones=UTC).
    min_value=datetime(1971, 1, 1),  # noqa: DTZ001
    max_value=datetime(2999, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda d: d.replace(microsecond=0))


@given(whole_seconds)
def test_the_stored_text_of_a_plain_utc_time_is_what_the_writer_stores(when: datetime) -> None:
    text = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert utc_if_plain(text) == when
    assert stored_time(text) == db_time(when)


@given(st.text(max_size=24))
def test_any_text_is_either_refused_or_stored_as_its_parsed_time(text: str) -> None:
    stored = stored_time(text)
    if stored is not None:
        parsed = utc_if_plain(text)
        assert parsed is not None and stored == db_time(parsed)


def test_times_with_fractions_or_offsets_are_left_to_the_general_path() -> None:
    assert stored_time("2026-03-04T05:06:07.250Z") is None
    assert stored_time("2026-03-04T05:06:07+01:00") is None
    assert stored_time("2026-03-04T05:06:07") is None
    assert stored_time("2026-03-04 05:06:07Z") == "2026-03-04 05:06:07.000000"
