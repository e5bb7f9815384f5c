"""Atlassian documents (Jira API v3 descriptions and comments) read without recursion.

A description may nest as deep as the JSON reader allows; the walk must neither give a
RecursionError nor read a shallow document any differently than it always has.
"""

import json
from collections.abc import Iterator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from testdata import SHARED_DATA

from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.formats.jira import json_issues
from irdesk.importers.formats.jira.documents import adf_links, adf_text
from irdesk.importers.reading.limits import MAX_JSON_DEPTH
from irdesk.importers.reading.sources import SourceFile

SEARCH_SAMPLE = SHARED_DATA / "jira_search_with_changelog.json"

# --- the recursive walk as it was, the reference the stack-based one must equal ----------

_INLINE_NODES = {"text", "hardBreak", "mention", "emoji", "inlineCard", "status", "date"}


def recursive_adf_text(node: object) -> str:
    if isinstance(node, list):
        return _recursive_children(node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    found = node.get("attrs")
    attrs: dict[str, Any] = found if isinstance(found, dict) else {}
    if kind == "text":
        return str(node.get("text") or "")
    if kind == "hardBreak":
        return "\n"
    if kind in ("mention", "emoji", "status"):
        return str(attrs.get("text") or attrs.get("shortName") or "")
    if kind in ("inlineCard", "blockCard", "embedCard"):
        return str(attrs.get("url") or "")
    text = _recursive_children(node.get("content"))
    return f"• {text}" if kind == "listItem" else text


def _recursive_children(children: object) -> str:
    if not isinstance(children, list):
        return ""
    blocks: list[str] = []
    inline: list[str] = []
    for child in children:
        if isinstance(child, dict) and child.get("type") in _INLINE_NODES:
            inline.append(recursive_adf_text(child))
            continue
        if inline:
            blocks.append("".join(inline))
            inline = []
        blocks.append(recursive_adf_text(child))
    if inline:
        blocks.append("".join(inline))
    return "\n".join(block for block in blocks if block)


def recursive_adf_links(node: object) -> Iterator[str]:
    if isinstance(node, list):
        for child in node:
            yield from recursive_adf_links(child)
    elif isinstance(node, dict):
        attrs = node.get("attrs")
        if isinstance(attrs, dict) and isinstance(attrs.get("url"), str):
            yield attrs["url"]
        for mark in node.get("marks") or []:
            if isinstance(mark, dict) and isinstance(mark.get("attrs"), dict):
                href = mark["attrs"].get("href")
                if isinstance(href, str):
                    yield href
        yield from recursive_adf_links(node.get("content"))


# --- generated documents: every node kind, odd values where a document may hold them ------

KINDS = sorted(
    _INLINE_NODES
    | {"doc", "paragraph", "listItem", "bulletList", "blockCard", "embedCard", "heading", "x"}
)
short_text = st.text(alphabet="ab \n•", max_size=3)
attrs = st.one_of(
    st.none(),
    st.just("not a dict"),
    st.fixed_dictionaries(
        {},
        optional={
            "text": st.one_of(short_text, st.none()),
            "shortName": short_text,
            "url": st.one_of(short_text, st.integers(0, 2)),
        },
    ),
)
marks = st.one_of(
    st.none(),
    st.lists(
        st.one_of(
            st.just("m"),
            st.fixed_dictionaries(
                {
                    "attrs": st.one_of(
                        st.just(1), st.fixed_dictionaries({}, optional={"href": short_text})
                    )
                }
            ),
        ),
        max_size=2,
    ),
)


def nodes(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    node = st.fixed_dictionaries(
        {"type": st.sampled_from(KINDS)},
        optional={
            "text": st.one_of(short_text, st.none()),
            "attrs": attrs,
            "marks": marks,
            "content": st.one_of(st.lists(children, max_size=4), short_text, st.none()),
        },
    )
    return st.one_of(node, st.lists(children, max_size=3))


documents = st.recursive(
    st.one_of(st.none(), st.integers(0, 3), short_text, st.just({"type": "text", "text": "t"})),
    nodes,
    max_leaves=25,
)


@given(documents)
def test_text_equals_the_recursive_walk_on_shallow_documents(document: object) -> None:
    assert adf_text(document) == recursive_adf_text(document)


@given(documents)
def test_links_equal_the_recursive_walk_on_shallow_documents(document: object) -> None:
    assert list(adf_links(document)) == list(recursive_adf_links(document))


# --- deep documents ------------------------------------------------------------------------


def nested(depth: int) -> dict[str, Any]:
    """A document `depth` nodes deep: list items in bullet lists, a linked word at the bottom."""
    node: dict[str, Any] = {
        "type": "paragraph",
        "content": [
            {
                "type": "text",
                "text": "bottom",
                "marks": [{"type": "link", "attrs": {"href": "https://x.example/b"}}],
            }
        ],
    }
    for level in range(depth):
        kind = "listItem" if level % 2 == 0 else "bulletList"
        node = {"type": kind, "content": [node]}
    return {"type": "doc", "version": 1, "content": [node]}


def test_a_document_a_thousand_nodes_deep_is_read() -> None:
    document = nested(1_000)
    # 500 list items each put their bullet before the one inside it.
    assert adf_text(document) == "• " * 500 + "bottom"
    assert list(adf_links(document)) == ["https://x.example/b"]


def nested_json(depth: int) -> str:
    """`nested(depth)` as JSON text, written by hand: json.dumps recurses and gives out first."""
    bottom = json.dumps(nested(0)["content"][0])
    opening = closing = ""
    for level in reversed(range(depth)):
        kind = "listItem" if level % 2 == 0 else "bulletList"
        opening += f'{{"type": "{kind}", "content": ['
        closing += "]}"
    return f'{{"type": "doc", "version": 1, "content": [{opening}{bottom}{closing}]}}'


def test_a_sample_issue_described_as_deep_as_json_allows_is_imported() -> None:
    search = json.loads(SEARCH_SAMPLE.read_bytes())
    issue = search["issues"][0]
    issue["fields"]["description"] = "DESCRIPTION"
    search["issues"] = [issue]
    # Each node is two JSON levels (the node and its content list); the issue, its fields
    # and the search around them, the paragraph and its link take the rest of the limit.
    depth = (MAX_JSON_DEPTH - 20) // 2
    text = json.dumps(search).replace('"DESCRIPTION"', nested_json(depth))
    assert 2 * depth > 1_000
    assert json.loads(nested_json(3)) == nested(3)

    parsed = json_issues.parse(Content(SourceFile("search.json", text.encode())), ImportOptions())

    (incident,) = parsed.incidents
    assert incident.external_id == issue["key"]
    assert incident.summary == "• " * ((depth + 1) // 2) + "bottom"
