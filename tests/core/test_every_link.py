"""Every link a person can follow leads somewhere, and no form breaks on forged values: crawl
the demo portal as each demo person.

Starting from the home page (and the staff desk for staff), every same-site link of every page
is followed: none may answer 404 or 5xx, and each page says its language and has one heading.
Every form met on the way is then posted with values no browser would send (blank, a space, a
NUL byte, a word that is no option, a number past 64 bits): none may answer 5xx.
The demo data has thousands of pages of the same kinds (a report, a contact, a page of a list):
each kind of address (its path with the numbers taken out, and its query's names) is opened
once, which still reaches every page template with real data behind it.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest

from portal.accounts.demo import ADMIN_EMAIL, DEMO_PASSWORD, RESIDENTS, STAFF_EMAIL
from portal.demo import seed
from portal.i18n import HTML_LANG
from tests.support.http import sign_in

PER_KIND = 1
MAX_PAGES = 1500  # a safety stop: the crawl reaches a few hundred kinds of address


# What a person would type into a field of each type, for a form's fields left as they come.
TYPED = {"date": "2026-12-24", "time": "10:00", "datetime-local": "2026-12-24T10:00",
         "email": "someone@example.org", "number": "3", "tel": "010-1234-5678"}


class _Page(HTMLParser):
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


def _kind(address: str) -> str:
    """What the address is an instance of: numbers out of the path, the query's names only."""
    parts = urlsplit(address)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "#", parts.path) + "?" + "&".join(names)


def crawl(client, starts: list[str], forms: dict | None = None, within: str = "/"
          ) -> tuple[int, list[str]]:
    """Follow every same-site link under ``within`` from ``starts``; return the pages opened
    and the faults. ``forms``, when given, collects each kind of POST form met:
    {kind: (action, {field: plausible value})}.
    """
    queue, seen, kinds, faults, opened = list(starts), set(), Counter(), [], 0
    referrer: dict[str, str] = {}
    while queue and opened < MAX_PAGES:
        address = queue.pop(0)
        if address in seen:
            continue
        seen.add(address)
        kind = _kind(address)
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
            if target.netloc in ("", "localhost"):
                next_address = target.path + (f"?{target.query}" if target.query else "")
                referrer.setdefault(next_address, address)
                queue.append(next_address)
            continue
        if response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        lang = address.split("/")[1]
        if lang in HTML_LANG and page.lang != HTML_LANG[lang]:
            faults.append(f"html lang={page.lang!r} on {where}")
        if page.headings != 1:
            faults.append(f"{page.headings} <h1> on {where}")
        for action, fields in page.forms if forms is not None else ():
            target = urlsplit(urljoin(f"http://localhost{address}", action))
            forms.setdefault(_kind(target.path), (target.path, fields))
        for href in page.links:
            target = urlsplit(urldefrag(urljoin(f"http://localhost{address}", href))[0])
            if target.netloc != "localhost" or target.scheme not in ("http", ""):
                continue
            next_address = target.path + (f"?{target.query}" if target.query else "")
            if next_address not in seen and next_address.startswith(within):
                referrer.setdefault(next_address, address)
                queue.append(next_address)
    assert opened < MAX_PAGES, "the crawl did not finish: more kinds of page than expected"
    return opened, faults


PEOPLE = [
    pytest.param(None, ["en", "zh", "ja", "vi", "ko"], id="visitor"),
    pytest.param(RESIDENTS[0][1], ["en", "zh", "ja", "vi"], id="resident"),
    pytest.param(STAFF_EMAIL, ["ko", "vi"], id="staff"),
    pytest.param(ADMIN_EMAIL, ["en", "ja"], id="admin"),
]


@pytest.mark.parametrize("email, languages", PEOPLE)
def test_every_link_of_the_demo_portal_leads_somewhere(app, email, languages):
    seed()
    for lang in languages:
        client = app.test_client()
        starts = [f"/{lang}/"]
        if email:
            assert sign_in(client, email, DEMO_PASSWORD, lang=lang).status_code == 302
            starts += [f"/{lang}/account/", f"/{lang}/notifications/"]
            if email in (STAFF_EMAIL, ADMIN_EMAIL):
                starts.append(f"/{lang}/staff/")
        opened, faults = crawl(client, starts)
        assert faults == [], f"{lang}: " + "\n".join(faults)
        # The crawl went through the portal, not just the home page.
        assert opened > (20 if email is None else 40), opened


FORGED = ["", " ", "\x00", "bogus", str(2**64), "-1", "2026-02-30", "x" * 5000]
# Each field in turn gets these, the others keeping plausible values, so that the forged one is
# what the view meets (a form refused for its other fields proves nothing).
FORGED_ALONE = [" ", "bogus", "\x00", str(2**64)]


@pytest.mark.parametrize("email, lang", [
    pytest.param(None, "zh", id="visitor"),
    pytest.param(RESIDENTS[0][1], "vi", id="resident"),
    pytest.param(ADMIN_EMAIL, "en", id="admin"),
])
def test_no_form_of_the_demo_portal_breaks_on_forged_values(app, monkeypatch, email, lang):
    """Every field gets values no browser would send, then all fields at once (CSRF tokens are
    off: what is tested is what the views make of the values); nothing may answer 5xx."""
    seed()
    client = app.test_client()
    if email:
        assert sign_in(client, email, DEMO_PASSWORD, lang=lang).status_code == 302
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    forms: dict = {}
    crawl(client, [f"/{lang}/", f"/{lang}/account/", f"/{lang}/staff/", f"/{lang}/login",
                   f"/{lang}/register", f"/{lang}/reset", f"/{lang}/reports/new",
                   f"/{lang}/mentoring/apply"], forms, within=f"/{lang}/")
    assert len(forms) > {None: 3, ADMIN_EMAIL: 40}.get(email, 5), sorted(forms)
    faults = []
    for action, fields in forms.values():
        if "logout" in action:
            continue  # it would end the crawl's session, and takes no values
        tries = [{name: value for name in fields} for value in FORGED]
        tries += [{**fields, name: value} for name in fields for value in FORGED_ALONE]
        for data in tries:
            response = client.post(action, data=data)
            if response.status_code >= 500:
                faults.append(f"{response.status_code} {action} {data!r:.160}")
    assert faults == [], "\n".join(faults)
