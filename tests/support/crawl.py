"""Walk a portal as a person does: follow every same-site link, note each form on the way.

The demo data has thousands of pages of the same kinds (a report, a contact, a page of a list):
each kind of address (its path with the numbers taken out, and its query's names) is opened
once, which still reaches every page template with real data behind it.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from portal.i18n import HTML_LANG

PER_KIND = 1
MAX_PAGES = 1500  # a safety stop: the crawl reaches a few hundred kinds of address


# What a person would type into a field of each type, for a form's fields left as they come.
TYPED = {"date": "2026-12-24", "time": "10:00", "datetime-local": "2026-12-24T10:00",
         "email": "someone@example.org", "number": "3", "tel": "010-1234-5678"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.headings = 0
        self.lang: str | None = None
        # Each POST form: its action, and a plausible value for each field a person fills in
        # (what the page holds, the first option of a select, a typed value).
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._form: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "h1":
            self.headings += 1
        elif tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._form = {}
            self.forms.append((attributes.get("action") or "", self._form))
        elif self._form is None:
            return
        elif tag in ("input", "textarea"):
            name, kind = attributes.get("name"), attributes.get("type") or tag
            if name and name != "csrf_token" and kind not in ("submit", "button", "file"):
                self._form.setdefault(name, attributes.get("value") or TYPED.get(kind, "text"))
        elif tag == "select" and attributes.get("name"):
            self._select = attributes["name"]
        elif tag == "option" and self._select and attributes.get("value"):
            self._form.setdefault(self._select, attributes["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def kind_of(address: str) -> str:
    """What the address is an instance of: numbers out of the path, the query's names only."""
    parts = urlsplit(address)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "#", parts.path) + "?" + "&".join(names)


def crawl(client, starts: list[str], forms: dict | None = None, within: str = "/"
          ) -> tuple[list[str], list[str]]:
    """Follow every same-site link under ``within`` from ``starts``; return the addresses of
    the HTML pages seen (one of each kind) and the faults (404 or 5xx, a page without its
    language or with other than one ``<h1>``). ``forms``, when given, collects each kind of
    POST form met: {kind: (action, {field: plausible value})}.
    """
    queue, seen, kinds, faults, opened = list(starts), set(), Counter(), [], 0
    pages: list[str] = []
    referrer: dict[str, str] = {}
    while queue and opened < MAX_PAGES:
        address = queue.pop(0)
        if address in seen:
            continue
        seen.add(address)
        kind = kind_of(address)
        if kinds[kind] >= PER_KIND:
            continue
        kinds[kind] += 1
        opened += 1
        response = client.get(address)
        where = f"{address} (linked from {referrer.get(address, 'the start')})"
        if response.status_code == 404 or response.status_code >= 500:
            faults.append(f"{response.status_code} {where}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(urljoin(address, response.headers["Location"]))
            if target.netloc in ("", "localhost") and target.path.startswith(within):
                next_address = target.path + (f"?{target.query}" if target.query else "")
                referrer.setdefault(next_address, address)
                queue.append(next_address)
            continue
        if response.mimetype != "text/html":
            continue
        pages.append(address)
        page = Page()
        page.feed(response.get_data(as_text=True))
        lang = address.split("/")[1]
        if lang in HTML_LANG and page.lang != HTML_LANG[lang]:
            faults.append(f"html lang={page.lang!r} on {where}")
        if page.headings != 1:
            faults.append(f"{page.headings} <h1> on {where}")
        for action, fields in page.forms if forms is not None else ():
            target = urlsplit(urljoin(f"http://localhost{address}", action))
            forms.setdefault(kind_of(target.path), (target.path, fields))
        for href in page.links:
            target = urlsplit(urldefrag(urljoin(f"http://localhost{address}", href))[0])
            if target.netloc != "localhost" or target.scheme not in ("http", ""):
                continue
            next_address = target.path + (f"?{target.query}" if target.query else "")
            if next_address not in seen and next_address.startswith(within):
                referrer.setdefault(next_address, address)
                queue.append(next_address)
    assert opened < MAX_PAGES, "the crawl did not finish: more kinds of page than expected"
    return pages, faults
