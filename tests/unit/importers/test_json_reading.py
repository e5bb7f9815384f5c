"""Export files read as JSON give what Python's json module gives, whatever is in them.

`sources.load_json` reads with orjson for speed and falls back to json for anything
orjson refuses; a user must never see a file read differently because of that.
"""

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile, load_json

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


def _read(data: bytes) -> Any:
    return load_json(SourceFile("export.json", data))


@given(JSON_VALUES, st.booleans())
def test_any_json_reads_as_json_reads_it(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert _read(text.encode()) == json.loads(text)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'\xef\xbb\xbf{"a": 1}', {"a": 1}),  # a byte-order mark, as Windows tools write
        (b'{"n": 123456789012345678901234567890}', {"n": 123456789012345678901234567890}),
        (b'{"s": "\\ud800"}', {"s": "\ud800"}),  # a lone surrogate escape
        (b'{"a": 1, "a": 2}', {"a": 2}),
        (b'{"x": 1e400}', {"x": math.inf}),
    ],
)
def test_what_only_json_accepts_is_still_read(data: bytes, expected: object) -> None:
    assert _read(data) == expected


def test_nan_is_read_as_json_reads_it() -> None:
    assert math.isnan(_read(b'{"v": NaN}')["v"])


@pytest.mark.parametrize(
    ("data", "location", "expected"),
    [
        (b'{"a": [1, 2,}', "line 1, column 13", "valid JSON"),
        (b'{"a": "caf\xe9"}', "line 1", "UTF-8 text"),
        # cut short: the message says where the text stopped
        (b'{\n"a": 1,\n"b": [', "line 3, column 7", "seems cut short"),
    ],
)
def test_bad_json_is_located_by_json(data: bytes, location: str, expected: str) -> None:
    with pytest.raises(ImportProblem) as caught:
        _read(data)
    assert caught.value.location == location
    assert expected in str(caught.value)
