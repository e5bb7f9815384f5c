"""Atlassian document format (Jira API v3): the readable text and the links of a document.

Both walks keep their own stack instead of recursing: a document may nest as deep as the
JSON reader allows (1,024 levels), and Python's call stack gives out before that.
"""

from collections.abc import Iterator
from typing import Any

_INLINE_NODES = {"text", "hardBreak", "mention", "emoji", "inlineCard", "status", "date"}


class _Children:
    """A node's children being read: the blocks so far and the run of inline text after them."""

    __slots__ = ("blocks", "bullet", "children", "inline", "inline_in_parent", "next")

    def __init__(self, children: list[object], *, bullet: bool, inline_in_parent: bool) -> None:
        self.children = children
        self.next = 0
        self.blocks: list[str] = []
        self.inline: list[str] = []
        self.bullet = bullet
        self.inline_in_parent = inline_in_parent

    def add(self, text: str, *, inline: bool) -> None:
        if inline:
            self.inline.append(text)
            return
        if self.inline:
            self.blocks.append("".join(self.inline))
            self.inline = []
        self.blocks.append(text)

    def text(self) -> str:
        if self.inline:
            self.blocks.append("".join(self.inline))
        text = "\n".join(block for block in self.blocks if block)
        return f"• {text}" if self.bullet else text


def _open(node: object, *, inline: bool) -> str | _Children:
    """A leaf's text, or the children of a node whose text is made from them."""
    if isinstance(node, list):
        return _Children(node, bullet=False, inline_in_parent=inline)
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
    content = node.get("content")
    bullet = kind == "listItem"
    if not isinstance(content, list):
        return "• " if bullet else ""
    return _Children(content, bullet=bullet, inline_in_parent=inline)


def adf_text(node: object) -> str:
    """The readable text of an Atlassian document: blocks on their own lines."""
    opened = _open(node, inline=False)
    if isinstance(opened, str):
        return opened
    stack = [opened]
    while True:
        top = stack[-1]
        if top.next < len(top.children):
            child = top.children[top.next]
            top.next += 1
            inline = isinstance(child, dict) and child.get("type") in _INLINE_NODES
            opened = _open(child, inline=inline)
            if isinstance(opened, str):
                top.add(opened, inline=inline)
            else:
                stack.append(opened)
            continue
        stack.pop()
        if not stack:
            return top.text()
        stack[-1].add(top.text(), inline=top.inline_in_parent)


def adf_links(node: object) -> Iterator[str]:
    """Link targets in an Atlassian document (links hide their URL behind the text)."""
    # Each entry is the rest of one list (or the one node) still to visit, in document order.
    stack: list[Iterator[object]] = [iter((node,))]
    while stack:
        current = next(stack[-1], _DONE)
        if current is _DONE:
            stack.pop()
        elif isinstance(current, list):
            stack.append(iter(current))
        elif isinstance(current, dict):
            attrs = current.get("attrs")
            if isinstance(attrs, dict) and isinstance(attrs.get("url"), str):
                yield attrs["url"]
            for mark in current.get("marks") or []:
                if isinstance(mark, dict) and isinstance(mark.get("attrs"), dict):
                    href = mark["attrs"].get("href")
                    if isinstance(href, str):
                        yield href
            stack.append(iter((current.get("content"),)))


_DONE = object()
