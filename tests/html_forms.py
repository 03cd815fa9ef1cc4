"""What a browser posts for a form on a page: the fields as rendered, plus the clicked button's name and value."""

from __future__ import annotations

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _FormReader(HTMLParser):
    def __init__(self, action: str | None, button: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.button = action, button
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.text: list[str] = []
        self.pending: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.done:
            self.inside = (
                "action" not in attrs if self.action is None else attrs.get("action", "").endswith(self.action)
            )
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "file" or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            self.fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select, self.options = attrs.get("name"), []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self.textarea, self.text = attrs.get("name"), []
        elif tag == "button":
            self.pending = attrs

    def handle_data(self, data):
        if self.textarea is not None:
            self.text.append(data)
        elif self.pending is not None and data.strip() == self.button and self.pending.get("name"):
            self.fields.append((self.pending["name"], self.pending.get("value", "")))

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [self.options[0][0]]
            self.fields.append((self.select, chosen[0]))
            self.select = None
        elif tag == "textarea" and self.textarea:
            text = "".join(self.text)
            self.fields.append((self.textarea, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "button":
            self.pending = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_data(html: str, action: str | None = None, button: str | None = None) -> MultiDict:
    """The data posted by the form whose ``action`` ends with ``action`` (``None``: the form without an action,
    which posts to the page itself) when the button labelled ``button`` is clicked (no button field when ``None``)."""
    reader = _FormReader(action, button)
    reader.feed(html)
    return MultiDict(reader.fields)
