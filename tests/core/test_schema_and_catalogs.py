"""Migrations build exactly the models; catalogs are complete and in step with the code."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.pofile import read_po, write_po
from flask_migrate import downgrade, upgrade

from portal.cli import TRANSLATIONS, check_catalogs
from portal.extensions import db
from tests.conftest import make_app

pytestmark = pytest.mark.no_transaction


def test_upgrade_on_an_empty_database_gives_exactly_the_models(fresh_databases, tmp_path):
    app = make_app(fresh_databases.new(), tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == []
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


def test_catalogs_are_complete_and_in_step_with_the_code():
    assert check_catalogs() == []


def _japanese_copy(tmp_path):
    """A copy of the catalogs to break: its folder, the Japanese catalog's path, that catalog."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    po_path = copy / "ja" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as f:
        return copy, po_path, read_po(f, locale="ja")


def test_the_check_catches_a_broken_catalog(tmp_path):
    copy, po_path, catalog = _japanese_copy(tmp_path)
    placeholder = catalog["Hello %(name)s,"]
    placeholder.string = "こんにちは %(nom)s"
    untranslated = catalog["Sign in"]
    untranslated.string = ""
    fuzzy = catalog["Register"]
    fuzzy.flags.add("fuzzy")
    del catalog["Sign out"]
    with po_path.open("wb") as f:
        write_po(f, catalog)
    problems = check_catalogs(copy)
    assert any("placeholders differ in 'Hello %(name)s,'" in p for p in problems)
    assert "ja: untranslated 'Sign in'" in problems
    assert "ja: fuzzy 'Register'" in problems
    assert any(p.startswith("ja: missing 'Sign out'") for p in problems)


def test_compiled_catalogs_exist_for_every_language():
    from portal.i18n import LOCALES

    for lang in LOCALES:
        assert (Path(TRANSLATIONS) / lang / "LC_MESSAGES" / "messages.mo").exists(), lang


def test_the_check_warns_when_a_translation_misses_a_glossary_word(tmp_path):
    from portal.glossary import glossary_warnings

    copy, po_path, catalog = _japanese_copy(tmp_path)
    catalog["Audit log"].string = "操作の記録"  # not the glossary's 監査ログ
    catalog["Staff desk"].string = "職員デスク"  # not 職員用ページ...
    catalog["Staff desk"].user_comments.append("glossary-ok: checked by a translator")  # ...but ok
    with po_path.open("wb") as f:
        write_po(f, catalog)
    warnings = glossary_warnings(copy, ["ja"])
    assert any("'Audit log' uses “audit log”: expected 監査ログ" in w for w in warnings)
    assert not any("'Staff desk'" in w for w in warnings)


def test_a_glossary_row_for_a_context_holds_that_context_only(tmp_path):
    from portal.glossary import glossary_warnings

    copy, po_path, catalog = _japanese_copy(tmp_path)
    # A mentor application is not "declined" as a report is: the report's word is wrong here.
    catalog.get("Decline", context="mentor application").string = "対応不可にする"
    with po_path.open("wb") as f:
        write_po(f, catalog)
    warnings = glossary_warnings(copy, ["ja"])
    assert warnings == ["ja: 'Decline' uses “decline”: expected 不承認にする in '対応不可にする'"]


def test_the_catalogs_follow_the_glossary():
    from portal.glossary import glossary_warnings
    from portal.i18n import LOCALES

    assert glossary_warnings(TRANSLATIONS, LOCALES) == []
