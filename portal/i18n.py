"""Locale selection, the ``/<lang>/`` URL prefix and country names in each language."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import icu
import pycountry
import pykakasi
from babel import Locale
from babel import dates as babel_dates
from flask import Flask, current_app, g, has_app_context, has_request_context, request, url_for
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import get_locale, get_timezone, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

# UI languages, in the order the switcher shows them; the value is the language's own name.
LOCALES: dict[str, str] = {
    "en": "English",
    "zh": "简体中文",
    "ja": "日本語",
    "vi": "Tiếng Việt",
    "ko": "한국어",
}
RESIDENT_LOCALES = ("en", "zh", "ja", "vi")  # staff also work in Korean
DEFAULT_LOCALE = "en"
LANG_COOKIE = "lang"
# BCP 47 tags for <html lang>: the portal's Chinese is Simplified.
HTML_LANG = {"en": "en", "zh": "zh-Hans", "ja": "ja", "vi": "vi", "ko": "ko"}

def is_locale(code: str | None) -> bool:
    return code in LOCALES


def current_lang() -> str:
    """The language being written: the page's (its URL's, else the one chosen for the request),
    or the one ``force_locale`` sets for a mail or a file in another language, in a request or
    outside one (the outbox worker, the CLI)."""
    if not has_app_context():
        return DEFAULT_LOCALE
    # Flask-Babel marks its context while force_locale is in effect (and only then).
    forced = getattr(g.get("_flask_babel"), "forced_babel_locale", None)
    if forced is not None:
        return forced.language if forced.language in LOCALES else DEFAULT_LOCALE
    lang = g.get("lang")
    if lang:
        return lang
    if has_request_context():
        chosen = str(get_locale() or DEFAULT_LOCALE)
        return chosen if chosen in LOCALES else DEFAULT_LOCALE
    return DEFAULT_LOCALE


def select_locale() -> str:
    """Flask-Babel's locale selector: the language in the URL, else the best guess."""
    lang = g.get("lang")
    if lang:
        return lang
    return guess_locale() if has_request_context() else DEFAULT_LOCALE


def guess_locale() -> str:
    """Choose a language for a request without one: saved, cookie, Accept-Language, English."""
    if current_user and current_user.is_authenticated and is_locale(current_user.locale):
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if is_locale(cookie):
        return cookie
    return request.accept_languages.best_match(list(LOCALES)) or DEFAULT_LOCALE


def html_lang() -> str:
    return HTML_LANG.get(current_lang(), current_lang())


@dataclass(frozen=True)
class LanguageLink:
    """The current page in one UI language, for the switcher and ``<link rel=alternate>``."""

    code: str
    name: str
    url: str
    current: bool


def language_links() -> list[LanguageLink]:
    """The current page's address in every UI language (built once per request)."""
    if "language_links" in g:
        return g.language_links
    lang = current_lang()
    rule = request.url_rule
    # A page outside /<lang>/ (or none: an error) has no other language: go home in each.
    # A form sent back with errors leads to the same form, empty, in the other language.
    if rule is None or "lang" not in rule.arguments:
        url = url_for("pages.home", lang=lang)
    else:
        # The query string is kept, but never lets a visitor set url_for's own options
        # (_external) or override the page's own arguments.
        query = {
            k: v for k, v in request.args.to_dict(flat=False).items() if not k.startswith("_")
        }
        url = url_for(request.endpoint, **{**query, **(request.view_args or {}), "lang": lang})
    # Every page under a language starts with /<lang>/ after the script root: build the
    # address once and swap the language.
    prefix = f"{request.script_root}/{lang}/"
    rest = url[len(prefix):] if url.startswith(prefix) else None
    g.language_links = [
        LanguageLink(
            code=code,
            name=name,
            url=f"{request.script_root}/{code}/{rest}" if rest is not None
            else url_for("pages.home", lang=code),
            current=code == lang,
        )
        for code, name in LOCALES.items()
    ]
    return g.language_links


def collation_key(lang: str) -> Callable[[str], bytes]:
    """A sort key that orders names as a reader of ``lang`` expects (ICU's collation).

    Vietnamese keeps "Áo" with the A's and "Đức" after the D's; Chinese sorts by pinyin,
    Korean by Hangul. Japanese is sorted by reading: the kanji of a name are read into kana
    first (中国 as ちゅうごく), as a Japanese list is ordered.
    """
    collator = icu.Collator.createInstance(icu.Locale(lang))
    if lang != "ja":
        return collator.getSortKey
    reader = pykakasi.kakasi()
    return lambda name: collator.getSortKey(
        "".join(part["hira"] for part in reader.convert(name))
    )


@cache
def _country_names(lang: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(lang).territories
    names = [
        (country.alpha_2, territories.get(country.alpha_2, country.name))
        for country in pycountry.countries
    ]
    key = collation_key(lang)
    return tuple(sorted(names, key=lambda pair: key(pair[1])))


def country_choices() -> list[tuple[str, str, object]]:
    """Countries for a nationality select: the commonest among Seoul's foreign residents
    first (COMMON_NATIONALITIES), then every ISO 3166 country, named and sorted in the UI
    language. Items are (code, name, group label)."""
    names = _country_names(str(get_locale() or DEFAULT_LOCALE))
    by_code = dict(names)
    common = [
        (code, by_code[code], _l("Most common"))
        for code in current_app.config["COMMON_NATIONALITIES"] if code in by_code
    ]
    return common + [(code, name, _l("All countries")) for code, name in names]


def country_name(code: str | None) -> str:
    if not code:
        return ""
    lang = str(get_locale() or DEFAULT_LOCALE)
    return Locale.parse(lang).territories.get(code, code)


COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries)


# CLDR abbreviates Korean day periods as "AM/PM"; Korean writes 오전/오후 (the wide form).
_KOREAN_DAY_PERIOD = re.compile(r"(?<![a'])a(?!a)")
_NAMED_FORMATS = ("short", "medium", "long", "full")


@cache
def _datetime_pattern(lang: str, format: str) -> str | None:  # noqa: A002 - Babel's name
    """The one pattern a named date-and-time format of ``lang`` amounts to, or None.

    Babel formats a named format as a date, a time and the glue between them, three
    formats and two replacements for each time shown; the glue of the portal's languages
    holds only spaces and commas, so one pattern writes the same. None when it holds
    anything else (Babel's own way is then used).
    """
    locale = Locale.parse(lang)
    glue = locale.datetime_formats[format]
    if any(c.isalpha() or c == "'" for c in glue.replace("{0}", "").replace("{1}", "")):
        return None
    time_pattern = locale.time_formats[format].pattern
    if lang == "ko":
        time_pattern = _KOREAN_DAY_PERIOD.sub("aaaa", time_pattern)
    return glue.replace("{1}", locale.date_formats[format].pattern).replace("{0}", time_pattern)


def format_datetime(value, format: str = "medium") -> str:  # noqa: A002 - Babel's name
    """A time in the reader's language and Seoul's clock; Korean says 오전/오후, not AM/PM."""
    locale = get_locale()
    if locale is not None and format in _NAMED_FORMATS:
        pattern = _datetime_pattern(str(locale), format)
        if pattern is not None:
            return babel_dates.format_datetime(value, pattern, tzinfo=get_timezone(),
                                               locale=locale)
    return babel_format_datetime(value, format)


def format_time_range(start, end) -> str:
    """When something happens, in the reader's language and Seoul's clock.

    One day: the full date and the hours ("Thursday, December 3, 2026, 7:00 – 9:00 PM",
    "2026년 12월 3일 목요일 오후 7:00~9:00"); over several days, both ends in full.
    """
    from babel.dates import format_interval
    from flask_babel import format_date

    zone = get_timezone()
    lang = current_lang()
    locale = Locale.parse(lang)
    if start.astimezone(zone).date() != end.astimezone(zone).date():
        return f"{format_datetime(start, 'medium')} – {format_datetime(end, 'medium')}"
    skeleton = "hm" if "h" in locale.time_formats["short"].pattern else "Hm"
    hours = format_interval(start, end, skeleton, tzinfo=zone, locale=locale)
    if lang == "ko":
        hours = hours.replace("AM", "오전").replace("PM", "오후")
    glue = locale.datetime_formats["medium"].replace("'", "")
    return glue.replace("{1}", format_date(start, "full")).replace("{0}", hours)


def _shown(values: dict[str, str], lang: str) -> tuple[str | None, str]:
    """The language and text ``localized`` shows: ``lang``'s, else English, else the first."""
    for code in (lang, DEFAULT_LOCALE):
        if values.get(code):
            return code, values[code]
    return next(((code, text) for code, text in values.items() if text), (None, ""))


def localized(values: dict[str, str] | None, lang: str | None = None) -> str:
    """Text staff wrote in several languages, in ``lang`` (this page's), else in English."""
    if not values:
        return ""
    return _shown(values, lang or current_lang())[1]


def text_lang(code: str | None) -> Markup:
    """`` lang="ja"`` for text in language ``code`` when the page is in another, else
    nothing: the element then says which language it holds (WCAG 2.1, 3.1.2)."""
    if not code or code == current_lang():
        return Markup("")
    return Markup(' lang="%s"') % code


def lang_attr(values: dict[str, str] | None) -> Markup:
    """``text_lang`` of what ``localized(values)`` shows: set when it falls back to English
    (or another language) for want of the page's."""
    return text_lang(_shown(values, current_lang())[0] if values else None)


def _translations():
    """This request's translations: the ones Flask-Babel cached on it, else a lookup.

    Templates call gettext dozens of times a page; going straight to the cached catalog
    skips Flask-Babel's per-call search for its context. ``force_locale`` (mail in another
    language) empties the cache, so the lookup then finds that language's catalog.
    """
    cached = getattr(g.get("_flask_babel"), "babel_translations", None)
    return cached if cached is not None else get_translations()


# Jinja's "newstyle" gettext, called directly. Jinja's own wraps the function three deep
# (the ``_`` alias looks ``gettext`` up in the context and calls it through the context,
# which calls the translation function through the context again): a third of the cost of
# each of a page's few dozen strings. The result is the same: marked safe where the template
# autoescapes, then always used as a format string, so "%%" reads "%" and the variables are
# escaped; a text without "%" is its own result.
def _formatted(eval_ctx, text: str, variables: dict) -> str:
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our catalogs, as Jinja's own gettext does
    return text % variables if "%" in text else text


@pass_eval_context
def _template_gettext(eval_ctx, string: str, /, **variables) -> str:
    return _formatted(eval_ctx, _translations().ugettext(string), variables)


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, _translations().ungettext(singular, plural, num), variables)


@pass_eval_context
def _template_pgettext(eval_ctx, context: str, string: str, /, **variables) -> str:
    variables.setdefault("context", context)
    return _formatted(eval_ctx, _translations().upgettext(context, string), variables)


@pass_eval_context
def _template_npgettext(eval_ctx, context: str, singular: str, plural: str, num: int, /,
                        **variables) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _formatted(
        eval_ctx, _translations().unpgettext(context, singular, plural, num), variables
    )


# The arguments of a link that names no object: the page, its language, a static file.
_SHARED_LINK_ARGUMENTS = frozenset({"lang", "filename"})
_MAX_SHARED_LINKS = 2000


def _template_url_for(app: Flask) -> Callable[..., str]:
    """``url_for`` for templates: a link to a page in a language, or to a static file, is
    built once per language and kept.

    The header, the footer and most pages repeat the same few dozen such links on every
    request, at a few microseconds each. The address depends only on the endpoint, the
    language (given, or the page's: add_lang is url_for's one default, tested) and the
    script root. A link with anything else (an object's id, a query, url_for's own options)
    is built each time.
    """
    build = app.url_for
    built: dict[tuple, str] = {}

    def url_for(endpoint: str, /, **values) -> str:
        if (endpoint[:1] == "." or not values.keys() <= _SHARED_LINK_ARGUMENTS
                or not has_request_context()):
            return build(endpoint, **values)
        key = (endpoint, values.get("lang") or g.get("lang"), values.get("filename"),
               request.script_root)
        url = built.get(key)
        if url is None:
            url = build(endpoint, **values)
            if len(built) < _MAX_SHARED_LINKS:
                built[key] = url
        return url

    return url_for


def init_app(app: Flask) -> None:
    """Route ``/<lang>/`` prefixes into ``g.lang`` and back into every ``url_for``."""
    # Newstyle: {% trans %} blocks pass their variables to gettext, which formats them.
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )

    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")
        elif request.routing_exception is not None:
            # No page matched (404, 405): an address under /<lang>/ still has its language,
            # and its error page speaks it, whatever the account or the browser prefer.
            first = request.path.split("/", 2)[1] if request.path.count("/") >= 2 else ""
            if is_locale(first):
                g.lang = first

    # Whether each endpoint takes the language, asked once: url_for runs this for every
    # link of every page.
    expects_lang: dict[str, bool] = {}

    @app.url_defaults
    def add_lang(endpoint, values):
        if "lang" in values:
            return
        lang = g.get("lang")
        if not lang:
            return
        expects = expects_lang.get(endpoint)
        if expects is None:
            expects = expects_lang[endpoint] = app.url_map.is_endpoint_expecting(
                endpoint, "lang"
            )
        if expects:
            values["lang"] = lang

    @app.after_request
    def remember_lang(response):
        lang = g.get("lang")
        if lang and request.cookies.get(LANG_COOKIE) != lang:
            response.set_cookie(
                LANG_COOKIE,
                lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=current_app.config["SESSION_COOKIE_SECURE"],
            )
        return response

    app.jinja_env.globals["url_for"] = _template_url_for(app)
    app.jinja_env.filters["datetimeformat"] = format_datetime
    app.jinja_env.globals["time_range"] = format_time_range
    app.jinja_env.globals.update(
        LOCALES=LOCALES,
        html_lang=html_lang,
        current_lang=current_lang,
        language_links=language_links,
        country_name=country_name,
        localized=localized,
        lang_attr=lang_attr,
        text_lang=text_lang,
    )
