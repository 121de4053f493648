"""Read what a page says about its form fields, as a browser would parse it."""

from html.parser import HTMLParser


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[dict[str, str | None]]] = {}

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "textarea"):
            attributes = dict(attrs)
            if attributes.get("name"):
                self.fields.setdefault(attributes["name"], []).append(
                    {"tag": tag, **attributes}
                )


def field_attributes(html: str, name: str) -> dict[str, str | None]:
    """The attributes of the (single) form control named ``name``."""
    parser = _Fields()
    parser.feed(html)
    controls = parser.fields.get(name, [])
    assert len(controls) == 1, f"expected one control named {name!r}, found {len(controls)}"
    return controls[0]


def ids(html: str) -> list[str]:
    """Every id in the page, in order (duplicates kept)."""

    class _Ids(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            for key, value in attrs:
                if key == "id":
                    self.found.append(value)

    parser = _Ids()
    parser.found = []
    parser.feed(html)
    return parser.found
