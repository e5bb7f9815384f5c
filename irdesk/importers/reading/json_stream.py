"""Reading a large JSON document one element of its arrays at a time, and its depth limit.

A whole parse of a 85 MB page of a million incidents costs some twenty times the file in
objects at its peak; a parser that takes one incident at a time needs only the text and
where each element starts. So a large document's top level (an array, or an object whose
values may be arrays) is read with the standard library's own decoder
(`json.JSONDecoder.raw_decode`, in C) once to check every element and note where each
starts, and then an element at a time as the format asks for it.

Why not ijson: its C backend is one more compiled dependency for the desktop bundle, and
the file is in memory anyway (read up front and hashed); `raw_decode` over that text gives
exactly what `json.loads` gives, element by element, at C speed.
"""

import json
import re
from array import array
from collections.abc import Iterator, Sequence
from typing import Any, TypeGuard, overload

from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.limits import MAX_JSON_DEPTH

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_BLANKS = frozenset(" \t\n\r")
# What changes the depth: brackets outside strings. A string is matched whole, so that a
# bracket inside one does not count.
_DEPTH_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def place(text: str, offset: int) -> str:
    """'line L, column C' of a character offset, as json's own messages count them."""
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"line {line}, column {column}"


def too_deep(name: str, text: str) -> ImportProblem:
    """The located problem for a document nested beyond what the parsers take."""
    depth = deepest = 0
    where = 0
    for token in _DEPTH_TOKENS.finditer(text):
        first = token.group()[0]
        if first in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, token.start()
                if deepest > MAX_JSON_DEPTH:
                    break
        elif first in "]}":
            depth -= 1
    return ImportProblem(
        name,
        place(text, where),
        f"JSON nested at most {MAX_JSON_DEPTH:,} levels deep",
        found=f"more than {deepest - 1:,} levels"
        if deepest > MAX_JSON_DEPTH
        else f"{deepest:,} levels, more than the reader's stack allows",
    )


def _invalid(name: str, text: str, offset: int, what: str) -> ImportProblem:
    cut = not text.rstrip().endswith(("}", "]"))
    return ImportProblem(
        name,
        place(text, offset),
        "valid JSON",
        found=what + ("; the file seems cut short" if cut else ""),
    )


def _decode_at(name: str, text: str, offset: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, offset)
    except json.JSONDecodeError as exc:
        raise _invalid(name, text, exc.pos, exc.msg) from exc
    except RecursionError:
        raise too_deep(name, text) from None


def _skip_space(text: str, offset: int) -> int:
    match = _SPACE.match(text, offset)
    return match.end() if match else offset


class JsonArray(Sequence[Any]):
    """One array of a large document: each element decoded when it is asked for, and not
    kept. Every element was decoded once when the document was read, so none fails here."""

    def __init__(self, text: str, starts: array) -> None:
        self._text = text
        self._starts = starts

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            # A slice of a streamed import's ten thousand: the scanner called in the loop,
            # not through __getitem__ once for each.
            text, starts, scan = self._text, self._starts, _DECODER.scan_once
            return [scan(text, start)[0] for start in starts[index]]
        return _DECODER.scan_once(self._text, self._starts[index])[0]

    def __iter__(self) -> Iterator[Any]:
        text, scan = self._text, _DECODER.scan_once
        for start in self._starts:
            yield scan(text, start)[0]

    def first_non_object(self) -> int | None:
        """The index of the first element that is no JSON object, or None: told by the
        character each starts with, so that checking a million decodes none of them."""
        text = self._text
        for index, start in enumerate(self._starts):
            if text[start] != "{":
                return index
        return None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JsonArray | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<JSON array of {len(self):,} elements>"


def _array(name: str, text: str, offset: int) -> tuple[JsonArray, int]:
    """The array whose '[' is at `offset`, and the offset after its ']'."""
    starts = array("q")
    offset = _skip_space(text, offset + 1)
    if text.startswith("]", offset):
        return JsonArray(text, starts), offset + 1
    # The loop runs once per element of a million: the decoder's own scanner, which
    # raw_decode wraps, and a look at one character where compact JSON has its comma.
    scan, append = _DECODER.scan_once, starts.append
    while True:
        append(offset)
        try:
            offset = scan(text, offset)[1]
        except StopIteration:
            _decode_at(name, text, offset)  # raises the located problem
        except json.JSONDecodeError as exc:
            raise _invalid(name, text, exc.pos, exc.msg) from exc
        except RecursionError:
            raise too_deep(name, text) from None
        if text.startswith(",", offset):
            offset += 1
            if text[offset : offset + 1] in _BLANKS:
                offset = _skip_space(text, offset)
            continue
        offset = _skip_space(text, offset)
        if text.startswith(",", offset):
            offset = _skip_space(text, offset + 1)
        elif text.startswith("]", offset):
            return JsonArray(text, starts), offset + 1
        else:
            raise _invalid(name, text, offset, "Expecting ',' delimiter")


def _value(name: str, text: str, offset: int) -> tuple[Any, int]:
    if text.startswith("[", offset):
        return _array(name, text, offset)
    return _decode_at(name, text, offset)


def _object(name: str, text: str, offset: int) -> tuple[dict[str, Any], int]:
    """The top-level object at `offset`, its array values as JsonArray."""
    result: dict[str, Any] = {}
    offset = _skip_space(text, offset + 1)
    if text.startswith("}", offset):
        return result, offset + 1
    while True:
        if not text.startswith('"', offset):
            raise _invalid(name, text, offset, "Expecting property name enclosed in double quotes")
        key, offset = _decode_at(name, text, offset)
        offset = _skip_space(text, offset)
        if not text.startswith(":", offset):
            raise _invalid(name, text, offset, "Expecting ':' delimiter")
        result[key], offset = _value(name, text, _skip_space(text, offset + 1))
        offset = _skip_space(text, offset)
        if text.startswith(",", offset):
            offset = _skip_space(text, offset + 1)
        elif text.startswith("}", offset):
            return result, offset + 1
        else:
            raise _invalid(name, text, offset, "Expecting ',' delimiter")


def load_streamed(name: str, text: str) -> Any:
    """`json.loads(text)`, except that the top-level array, or each array value of the
    top-level object, is a JsonArray. Raises the located ImportProblem json would."""
    offset = _skip_space(text, 1 if text.startswith("\ufeff") else 0)
    if text.startswith("{", offset):
        value, offset = _object(name, text, offset)
    else:
        value, offset = _value(name, text, offset)
    offset = _skip_space(text, offset)
    if offset != len(text):
        raise _invalid(name, text, offset, "Extra data")
    return value


def is_array(value: object) -> TypeGuard[Sequence[Any]]:
    """A JSON array, whole (a list) or read an element at a time (a JsonArray)."""
    return isinstance(value, list | JsonArray)


def materialised(value: Any) -> Any:
    """`value` with every JsonArray in it made a list: what `json.loads` would have given."""
    if isinstance(value, JsonArray):
        return list(value)
    if isinstance(value, dict):
        return {key: materialised(item) for key, item in value.items()}
    return value
