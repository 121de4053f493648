"""Every page staff and administrators reach fits a small laptop, 1024 x 768, in Korean and
Vietnamese.

City staff work mostly in Korean, some in Vietnamese (the portal's longest words); their pages
hold the widest tables of the portal. The demo portal is crawled in process
(tests/support/crawl.py) as the demo administrator or staff member, from the staff desk and
every entry of the staff menu the desk shows them (``add_menu_entry(app, "staff", ...)``), for
one address of each kind they reach under their language (staff pages and resident pages
alike), then each is opened in Chromium at 1024 x 768: none may scroll sideways. A wide table
scrolls inside its own region (``.table-scroll``), not the page: a table wider than a box that
does not scroll fails too, even while the page's margins still hide the extra width (the
Korean report queue is 985 px wide in a 960 px region on this screen).

Which runs: the administrator reaches every kind of page the staff member does (78 kinds to
63; the same templates, which differ by role only in the staff menu's admin entries) and the
admin pages besides, so the administrator is crawled in both languages. The staff member is
crawled once, in Vietnamese, for what differs by person (their team's queue, their followed
reports, their account and notifications, the shorter menu). A staff-ko run would open the
same templates a fourth time, for about 12 s more per database backend.
"""

import re
from urllib.parse import urlsplit

import pytest

from portal.accounts.demo import ADMIN_EMAIL, DEMO_PASSWORD, STAFF_EMAIL
from tests.browser.conftest import sign_in
from tests.support.crawl import crawl
from tests.support.http import sign_in as sign_in_client

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

LAPTOP = {"viewport": {"width": 1024, "height": 768}}
STAFF_NAV = re.compile(r'<nav [^>]*class="staff-nav">(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')

# The page's width as laid out; when wider than the window, the innermost elements (or their
# text) that reach past the window's right edge: where the extra width comes from. And every
# table wider than the box it sits in that does not scroll: a wide table belongs in a region
# that scrolls (``.table-scroll``), even while the page's margins still hide its overflow.
MEASURE = """() => {
  const root = document.documentElement, limit = root.clientWidth + 0.5;
  const visible = (e) => getComputedStyle(e).overflowX === 'visible';
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + [...e.classList].map((c) => '.' + c).join('');
  const reach = (e) => {
    const box = e.getBoundingClientRect();
    return box.left + Math.max(box.width, visible(e) ? e.scrollWidth : 0);
  };
  const wide = root.scrollWidth > root.clientWidth;
  const culprits = !wide ? [] : [...document.body.querySelectorAll('*')]
    .filter((e) => reach(e) > limit && ![...e.children].some((c) => reach(c) > limit))
    .slice(0, 3)
    .map((e) => `${name(e.parentElement)} > ${name(e)} (${Math.round(reach(e))} px)`);
  const loose = [...document.querySelectorAll('table')].filter((table) => {
    const box = table.parentElement, style = getComputedStyle(box);
    const inside = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return table.offsetWidth > inside + 0.5 && !['auto', 'scroll'].includes(style.overflowX);
  }).map((table) => `${name(table)} ${table.offsetWidth} px in ${name(table.parentElement)}`);
  return {width: root.scrollWidth, limit: root.clientWidth, culprits, loose};
}"""


def _addresses(app, email: str, lang: str) -> tuple[list[str], list[str]]:
    """One address of each kind of page the person reaches in ``lang``, and the staff menu."""
    client = app.test_client()
    assert sign_in_client(client, email, DEMO_PASSWORD, lang=lang).status_code == 302
    desk = client.get(f"/{lang}/staff/")
    assert desk.status_code == 200
    nav = STAFF_NAV.search(desk.get_data(as_text=True))
    assert nav, "the staff desk shows no staff menu"
    menu = HREF.findall(nav.group(1))
    starts = [f"/{lang}/staff/", *menu, f"/{lang}/", f"/{lang}/account/",
              f"/{lang}/notifications/"]
    pages, _faults = crawl(client, starts, within=f"/{lang}/")
    return pages, menu


@pytest.mark.parametrize("email, lang, enough", [
    pytest.param(ADMIN_EMAIL, "ko", 70, id="admin-ko"),
    pytest.param(ADMIN_EMAIL, "vi", 70, id="admin-vi"),
    pytest.param(STAFF_EMAIL, "vi", 55, id="staff-vi"),
])
def test_every_staff_page_fits_a_1024_px_laptop(demo, new_page, email, lang, enough):
    addresses, menu = _addresses(demo.app, email, lang)
    assert len(addresses) > enough, addresses
    assert len(menu) >= 8, menu
    # Every entry of the staff menu was opened (a staff member's report queue redirects to
    # their team's view: the same page with a query).
    assert {urlsplit(a).path for a in menu} <= {urlsplit(a).path for a in addresses}
    page = new_page(**LAPTOP)
    sign_in(page, email, lang, DEMO_PASSWORD)
    too_wide = []
    for address in addresses:
        response = page.goto(address)
        assert response is not None and response.status < 400, address
        # The page itself, not the sign-in page or another it redirected to.
        assert urlsplit(page.url).path == urlsplit(address).path, (address, page.url)
        measured = page.evaluate(MEASURE)
        assert measured["limit"] <= 1024, measured
        if measured["width"] > measured["limit"]:
            too_wide.append(f"{address}: {measured['width']} px, from "
                            + ", ".join(measured["culprits"]))
        too_wide += [f"{address}: {table} that does not scroll" for table in measured["loose"]]
    assert not too_wide, "\n".join(too_wide)
