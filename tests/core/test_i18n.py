"""Languages: the root redirect, the URL prefix, the switcher, <html lang>, locale formats."""

import re
from datetime import UTC, datetime

import pytest
from flask import g
from flask_babel import format_datetime, format_decimal, get_translations

from portal.i18n import HTML_LANG, LOCALES
from tests.support.http import sign_in, submit

PAGES = ["/{lang}/", "/{lang}/register", "/{lang}/login", "/{lang}/reset",
         "/{lang}/register/done"]


def test_root_falls_back_to_english(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("ja,en;q=0.8", "ja"), ("zh-CN,zh;q=0.9", "zh"), ("vi-VN", "vi"), ("ko-KR", "ko"),
     ("fr-FR,de;q=0.5", "en")],
)
def test_root_follows_accept_language(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.headers["Location"] == f"/{expected}/"


def test_the_language_cookie_beats_accept_language(client):
    client.get("/vi/")  # visiting a language remembers it
    assert client.get_cookie("lang").value == "vi"
    response = client.get("/", headers={"Accept-Language": "ja"})
    assert response.headers["Location"] == "/vi/"


def test_the_saved_language_beats_the_cookie(client, create_user):
    user = create_user(locale="zh")
    sign_in(client, user.email, lang="ja")
    client.get("/ja/")
    response = client.get("/", headers={"Accept-Language": "vi"})
    assert response.headers["Location"] == "/zh/"


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_the_right_html_lang(client, lang, page):
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{HTML_LANG[lang]}">' in html
    assert html.count("<h1") == 1
    assert '<main id="main"' in html and "<header" in html and "<footer" in html


def test_unknown_language_prefix_is_404(client):
    assert client.get("/fr/").status_code == 404
    assert client.get("/fr/login").status_code == 404


def test_the_switcher_keeps_the_page_and_its_query(client):
    html = client.get("/en/login?next=/en/account/").get_data(as_text=True)
    links = dict(re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang', html))
    by_lang = {lang: href for href, lang in links.items()}
    assert set(by_lang) == set(LOCALES) - {"en"}
    assert by_lang["ja"] == "/ja/login?next=/en/account/"
    assert by_lang["ko"] == "/ko/login?next=/en/account/"


def test_the_switcher_marks_the_current_language(client):
    html = client.get("/vi/").get_data(as_text=True)
    assert '<span lang="vi" aria-current="true">Tiếng Việt</span>' in html


def test_pages_are_translated(client, app):
    for lang in ("zh", "ja", "vi", "ko"):
        html = client.get(f"/{lang}/login").get_data(as_text=True)
        # A fresh application context: ``g`` (and Babel's per-request cache) is per request.
        with app.app_context(), app.test_request_context(f"/{lang}/login"):
            g.lang = lang
            translated = get_translations().gettext("I forgot my password")
        assert translated != "I forgot my password", f"{lang} catalog does not translate"
        assert translated in html


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "1,234.5"), ("vi", "1.234,5"), ("ko", "1,234.5")],
)
def test_numbers_follow_the_locale(app, lang, expected):
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        assert format_decimal(1234.5) == expected


def test_times_are_shown_in_seoul(app):
    moment = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)  # 00:30 on 2 March in Seoul
    with app.test_request_context("/ja/"):
        g.lang = "ja"
        text = format_datetime(moment, "medium")
    assert "2026/03/02" in text and "0:30" in text


@pytest.mark.parametrize("lang", LOCALES)
def test_named_time_formats_read_as_babel_writes_them(app, lang):
    """i18n.format_datetime writes a named format as one pattern; Babel's three-part way
    gives the same text (Korean apart: 오전/오후 instead of AM/PM)."""
    from babel.dates import format_datetime as babel_format
    from flask_babel import get_timezone

    from portal.i18n import format_datetime as portal_format

    moments = [datetime(2026, 3, 1, 15, 30, tzinfo=UTC),
               datetime(2026, 12, 31, 3, 4, 5, tzinfo=UTC)]
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        for moment in moments:
            for name in ("short", "medium", "long", "full"):
                ours = portal_format(moment, name)
                theirs = babel_format(moment, name, tzinfo=get_timezone(), locale=lang)
                if lang == "ko":
                    theirs = theirs.replace("AM", "오전").replace("PM", "오후")
                assert ours == theirs


def test_translations_are_fetched_once_per_request(app, monkeypatch):
    from flask_babel import Domain

    calls = []
    original = Domain.get_translations

    def counting(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(Domain, "get_translations", counting)
    with app.test_request_context("/ja/"):
        g.lang = "ja"
        from flask_babel import gettext

        for _ in range(50):
            gettext("Sign in")
    assert len(calls) == 1


def test_template_gettext_formats_and_escapes_as_jinja_newstyle_gettext(app):
    """Templates call gettext directly (i18n.py); the output must stay Jinja's own."""
    html = app.jinja_env.from_string(
        "{{ _('Sign in') }}|{{ _('100%%') }}|{{ _('%(a)s!', a='<b>') }}|"
        "{{ ngettext('%(num)s unread', '%(num)s unread', 3) }}|"
        "{{ pgettext('verb', 'Open') }}|{% trans n='<i>' %}Hi {{ n }}{% endtrans %}"
    )
    with app.test_request_context("/ja/"):
        g.lang = "ja"
        catalog = get_translations()
        sign_in_ja = catalog.gettext("Sign in")
        unread_ja = catalog.ngettext("%(num)s unread", "%(num)s unread", 3) % {"num": 3}
        rendered = html.render()
        plain = app.jinja_env.overlay(autoescape=False).from_string(
            "{{ _('%(a)s!', a='<b>') }}|{{ _('100%%') }}"
        ).render()
    assert sign_in_ja != "Sign in"
    assert rendered == f"{sign_in_ja}|100%|&lt;b&gt;!|{unread_ja}|Open|Hi &lt;i&gt;"
    assert plain == "<b>!|100%"


def test_the_switcher_ignores_query_arguments_that_clash_with_the_page(client):
    response = client.get("/en/login?lang=zh&_external=1&next=/en/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/ja/login?' in html
    assert "http://localhost/ja" not in html


def test_the_switcher_on_a_refused_form_leads_to_the_same_form(client):
    response = submit(client, "/vi/register", {"email": "not-an-address"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    pairs = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang', html)
    links = {lang: href for href, lang in pairs}
    assert links["ja"] == "/ja/register"
    assert links["en"] == "/en/register"


@pytest.mark.parametrize(("lang", "before", "after"), [
    ("vi", "Áo", "Bỉ"),  # Áo (Austria) with the A's, not after Z
    ("vi", "Đan Mạch", "Ecuador"),  # Đ after D, before E
    ("zh", "阿根廷", "巴西"),  # by pinyin: a(gen ting) before ba(xi)
    ("zh", "巴西", "中国"),
    ("ja", "アメリカ合衆国", "中国"),  # 中国 read ちゅうごく: after ア
    ("ja", "中国", "ドイツ"),  # ちゅ before ど
    ("ko", "가나", "나이지리아"),
])
def test_countries_sort_as_readers_of_each_language_expect(client, lang, before, after):
    html = client.get(f"/{lang}/register").get_data(as_text=True)
    everything = html.split("<optgroup", 2)[2]  # the full list, after the common ones
    assert everything.index(f">{before}<") < everything.index(f">{after}<")


def test_the_commonest_nationalities_come_first(client, app):
    html = client.get("/vi/register").get_data(as_text=True)
    first_group = html.split("<optgroup", 2)[1]
    codes = re.findall(r'<option value="(\w\w)">', first_group)
    assert codes == list(app.config["COMMON_NATIONALITIES"])


@pytest.mark.parametrize("lang, expected", [
    ("en", "Thursday, December 3, 2026, 7:00 – 9:00 PM"),
    ("ko", "2026년 12월 3일 목요일 오후 7:00~9:00"),
    ("zh", "2026年12月3日星期四 19:00–21:00"),
    ("ja", "2026年12月3日木曜日 19時00分～21時00分"),
    ("vi", "19:00–21:00 Thứ Năm, 3 tháng 12, 2026"),
])
def test_a_time_range_reads_as_each_language_writes_it(app, lang, expected):
    from portal.i18n import format_time_range

    start = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # 19:00 in Seoul
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        text = format_time_range(start, start.replace(hour=12))
    # CLDR puts narrow and thin spaces around the hours.
    assert text.replace("\u202f", " ").replace("\u2009", " ") == expected


def test_a_time_range_over_several_days_gives_both_dates(app):
    from portal.i18n import format_time_range

    start = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    with app.test_request_context("/en/"):
        g.lang = "en"
        text = format_time_range(start, start.replace(day=4))
    assert "Dec 3, 2026" in text and "Dec 4, 2026" in text


def test_shared_links_are_built_once_per_language_and_script_root(app, client):
    """Templates keep links that name no object (i18n._template_url_for). That is only right
    while url_for's defaults are the page's language and a static file's digest (which
    depends on the filename, in the key): a new default must be added to the key there
    before it is added here."""
    from portal.assets import digest

    defaults = {key: [f.__name__ for f in funcs]
                for key, funcs in app.url_default_functions.items()}
    assert defaults == {None: ["add_lang", "add_digest"]}

    template = app.jinja_env.from_string(
        "{{ url_for('pages.home') }} {{ url_for('pages.home', lang='ko') }} "
        "{{ url_for('static', filename='portal.css') }} {{ url_for('accounts.profile') }}"
    )
    for lang, root in (("en", ""), ("vi", ""), ("en", "/portal"), ("vi", "/portal")):
        with app.test_request_context(f"/{lang}/", base_url=f"http://localhost{root}"):
            g.lang = lang
            css = f"{root}/static/portal.css?v={digest('portal.css')}"
            assert template.render() == (
                f"{root}/{lang}/ {root}/ko/ {css} {root}/{lang}/account/profile"
            )
    html = client.get("/en/login", base_url="http://localhost/portal").get_data(as_text=True)
    assert 'href="/portal/en/help"' in html and 'href="/portal/static/portal.css?v=' in html


def test_text_written_in_another_language_follows_force_locale_in_a_request_and_outside(app):
    """A mail in Korean from an English page, or from the outbox worker outside any request,
    says its times in Korean: everything that asks the language asks the forced one."""
    from flask_babel import force_locale

    from portal.i18n import current_lang, format_time_range

    start = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    korean = "2026년 12월 3일 목요일 오후 7:00~9:00"
    with app.test_request_context("/en/"):
        g.lang = "en"
        with force_locale("ko"):
            assert current_lang() == "ko"
            text = format_time_range(start, start.replace(hour=12))
        assert current_lang() == "en"
    assert text.replace("\u202f", " ") == korean
    with app.app_context():
        assert current_lang() == "en"
        with force_locale("ja"):
            assert current_lang() == "ja"
        with force_locale("ko"):
            text = format_time_range(start, start.replace(hour=12))
        assert current_lang() == "en"
    assert text.replace("\u202f", " ") == korean


def test_lang_attr_names_the_language_localized_falls_back_to(app):
    from portal.i18n import lang_attr, localized, text_lang

    cases = [
        ({"vi": "Lễ hội", "en": "Festival"}, ""),  # the page's own language
        ({"en": "Festival", "ko": "축제"}, ' lang="en"'),  # English first
        ({"ko": "축제", "ja": "祭り"}, ' lang="ko"'),  # no English: the first one given
        ({"vi": "", "ko": "축제"}, ' lang="ko"'),  # an empty translation is none
        ({}, ""),
        (None, ""),
    ]
    with app.test_request_context("/vi/"):
        g.lang = "vi"
        for values, expected in cases:
            assert str(lang_attr(values)) == expected, values
            if expected:
                assert localized(values) == values[expected[7:9]]
        # Text in a known language: marked unless it is the page's own.
        assert str(text_lang("ja")) == ' lang="ja"'
        assert str(text_lang("vi")) == "" and str(text_lang(None)) == ""
