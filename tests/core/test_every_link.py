"""Every link a person can follow leads somewhere: crawl the demo portal as each demo person.

Starting from the home page (and the staff desk for staff), every same-site link of every page
is followed: none may answer 404 or 5xx, and each page says its language and has one heading.
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


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.headings = 0
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "h1":
            self.headings += 1
        elif tag == "html":
            self.lang = attributes.get("lang")


def _kind(address: str) -> str:
    """What the address is an instance of: numbers out of the path, the query's names only."""
    parts = urlsplit(address)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "#", parts.path) + "?" + "&".join(names)


def crawl(client, starts: list[str]) -> tuple[int, list[str]]:
    """Follow every same-site link from ``starts``; return the pages opened and the faults."""
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
        for href in page.links:
            target = urlsplit(urldefrag(urljoin(f"http://localhost{address}", href))[0])
            if target.netloc != "localhost" or target.scheme not in ("http", ""):
                continue
            next_address = target.path + (f"?{target.query}" if target.query else "")
            if next_address not in seen:
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
