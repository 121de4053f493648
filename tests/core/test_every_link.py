"""Every link a person can follow leads somewhere, and no form breaks on forged values: crawl
the demo portal as each demo person.

Starting from the home page (and the staff desk for staff), every same-site link of every page
is followed: none may answer 404 or 5xx, and each page says its language and has one heading.
Every form met on the way is then posted with values no browser would send (blank, a space, a
NUL byte, a word that is no option, a number past 64 bits): none may answer 5xx.
Each kind of address is opened once (``tests/support/crawl.py``).
"""

import pytest

from portal.accounts.demo import ADMIN_EMAIL, DEMO_PASSWORD, RESIDENTS, STAFF_EMAIL
from portal.demo import seed
from tests.support.crawl import crawl
from tests.support.http import sign_in

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
        pages, faults = crawl(client, starts)
        assert faults == [], f"{lang}: " + "\n".join(faults)
        # The crawl went through the portal, not just the home page.
        assert len(pages) > (20 if email is None else 40), pages


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
