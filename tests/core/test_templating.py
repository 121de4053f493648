"""Templates are compiled once per language with their fixed texts translated (templating.py)."""

import pytest
from flask import g, render_template
from flask_babel import force_locale, get_translations
from jinja2 import pass_eval_context

from tests.conftest import make_app

# Every form of gettext call a template may make, fixed or not, escaped or not.
SOURCE = (
    "{{ _('Sign in') }}|{{ gettext('Sign in') }}|{{ _('100%%') }}|{{ _('%(a)s!', a=value) }}|"
    "{{ _(name) }}|{{ ngettext('%(num)s unread', '%(num)s unread', 3) }}|"
    "{% autoescape false %}{{ _('%(a)s!', a=value) }}{% endautoescape %}|"
    "{% set said = _('Sign in') %}{{ said|upper }}|{{ _('Sign in') ~ value }}"
)


@pytest.fixture(scope="module")
def templated_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("templating")
    app = make_app("sqlite://", tmp)
    (tmp / "templates").mkdir()
    (tmp / "templates" / "texts.html").write_text(SOURCE)
    (tmp / "templates" / "texts.txt").write_text(SOURCE)
    app.jinja_loader.searchpath.append(str(tmp / "templates"))
    return app


@pytest.mark.no_transaction
@pytest.mark.parametrize("lang", ["en", "ja", "ko"])
@pytest.mark.parametrize("name", ["texts.html", "texts.txt"])
def test_a_compiled_template_says_what_gettext_would_say_at_render_time(templated_app, lang,
                                                                       name):
    app = templated_app
    values = {"value": "<b>", "name": "Sign in"}
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        compiled = render_template(name, **values)
        # The same source, compiled without a catalog: every call made at render time.
        at_render_time = app.jinja_env.overlay(
            autoescape=name.endswith(".html")
        ).from_string(SOURCE).render(**values)
        sign_in = get_translations().gettext("Sign in")
    assert compiled == at_render_time
    assert compiled.startswith(f"{sign_in}|{sign_in}|100%|")
    if lang != "en":
        assert sign_in != "Sign in"


@pytest.mark.no_transaction
def test_each_language_and_a_mail_in_another_language_get_their_own_copy(templated_app):
    app = templated_app
    with app.test_request_context("/en/"):
        g.lang = "en"
        english = render_template("texts.html", value="", name="")
        with force_locale("ja"):
            japanese = render_template("texts.html", value="", name="")
            ja_sign_in = get_translations().gettext("Sign in")
        assert render_template("texts.html", value="", name="") == english
    assert english.startswith("Sign in|")
    assert japanese.startswith(f"{ja_sign_in}|") and ja_sign_in != "Sign in"


@pytest.mark.no_transaction
def test_only_texts_in_variables_are_looked_up_when_the_page_is_rendered(templated_app,
                                                                      monkeypatch):
    app = templated_app
    looked_up = []
    gettext = app.jinja_env.globals["_"]

    @pass_eval_context
    def counting(eval_ctx, text, /, **values):
        looked_up.append(text)
        return gettext(eval_ctx, text, **values)

    monkeypatch.setitem(app.jinja_env.globals, "_", counting)
    monkeypatch.setitem(app.jinja_env.globals, "gettext", counting)
    with app.test_request_context("/vi/"):
        g.lang = "vi"
        render_template("texts.html", value="", name="Register")
    assert looked_up == ["Register"]


def test_compiled_templates_are_kept_in_a_plain_dict(app):
    """Jinja's size-limited cache searches its whole recency list on every hit; the portal's
    templates are a fixed set (each file, once per language), kept without a limit."""
    assert type(app.jinja_env.cache) is dict
