"""What the streamed-import tests share: every file streamed in slices small enough that
the real samples, a few dozen records each, cross several slice boundaries."""

from typing import Any

import pytest

from irdesk.importers import streamed
from irdesk.importers.reading import sources


@pytest.fixture
def slices(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every file streamed, two records a slice; the sizes of the slices written."""
    monkeypatch.setattr(sources, "STREAM_JSON_FROM_BYTES", 0)
    monkeypatch.setattr(streamed, "STREAM_SLICE", 2)
    sizes: list[int] = []
    prepared = streamed._prepared

    def counted(chunk: Any, files: frozenset[str]) -> Any:
        sizes.append(len(chunk))
        return prepared(chunk, files)

    monkeypatch.setattr(streamed, "_prepared", counted)
    return sizes
