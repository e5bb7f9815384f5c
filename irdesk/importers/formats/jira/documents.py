"""Atlassian document format (Jira API v3): the readable text and the links of a document."""

from collections.abc import Iterator
from typing import Any

_INLINE_NODES = {"text", "hardBreak", "mention", "emoji", "inlineCard", "status", "date"}


def adf_text(node: object) -> str:
    """The readable text of an Atlassian document: blocks on their own lines."""
    if isinstance(node, list):
        return _adf_children(node)
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
    text = _adf_children(node.get("content"))
    return f"• {text}" if kind == "listItem" else text


def _adf_children(children: object) -> str:
    if not isinstance(children, list):
        return ""
    blocks: list[str] = []
    inline: list[str] = []
    for child in children:
        if isinstance(child, dict) and child.get("type") in _INLINE_NODES:
            inline.append(adf_text(child))
            continue
        if inline:
            blocks.append("".join(inline))
            inline = []
        blocks.append(adf_text(child))
    if inline:
        blocks.append("".join(inline))
    return "\n".join(block for block in blocks if block)


def adf_links(node: object) -> Iterator[str]:
    """Link targets in an Atlassian document (links hide their URL behind the text)."""
    if isinstance(node, list):
        for child in node:
            yield from adf_links(child)
    elif isinstance(node, dict):
        attrs = node.get("attrs")
        if isinstance(attrs, dict) and isinstance(attrs.get("url"), str):
            yield attrs["url"]
        for mark in node.get("marks") or []:
            if isinstance(mark, dict) and isinstance(mark.get("attrs"), dict):
                href = mark["attrs"].get("href")
                if isinstance(href, str):
                    yield href
        yield from adf_links(node.get("content"))
