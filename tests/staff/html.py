"""A small reader of the staff pages' HTML: find elements by id, class or tag, read their text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        """The text inside, with runs of white space made one space."""
        parts: list[str] = []

        def walk(node: Element | str) -> None:
            if isinstance(node, str):
                parts.append(node)
            else:
                for child in node.children:
                    walk(child)

        walk(self)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, cls: str | None = None, **attrs: str):
        for element in self.iter():
            if tag and element.tag != tag:
                continue
            if cls and cls not in element.classes:
                continue
            if any(
                element.attrs.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()
            ):
                continue
            yield element

    def find(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> Element:
        found = next(self.find_all(tag, cls=cls, **attrs), None)
        if found is None:
            raise AssertionError(f"no <{tag or '*'}> with class={cls!r} {attrs} on the page")
        return found

    def has(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> bool:
        return next(self.find_all(tag, cls=cls, **attrs), None) is not None

    def closest(self, *, cls: str) -> Element:
        node = self.parent
        while node is not None and cls not in node.classes:
            node = node.parent
        if node is None:
            raise AssertionError(f"no ancestor with class {cls!r}")
        return node


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(
            Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        )

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(content: bytes | str) -> Element:
    """The page as a tree of elements."""
    builder = _Builder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    builder.close()
    return builder.root


def radio_values(page: Element, name: str) -> list[str]:
    """The values a radio (or checkbox) group offers, in order."""
    return [
        e.attrs["value"]
        for e in page.find_all("input", name=name)
        if e.attrs.get("type") in ("radio", "checkbox")
    ]
