"""``flask translate ...``: keep the message catalogs in step with the code."""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import click
from babel.messages.pofile import read_po
from flask.cli import AppGroup

from config import BASE_DIR

from .glossary import glossary_warnings
from .i18n import LOCALES

TRANSLATIONS = BASE_DIR / "translations"
POT = TRANSLATIONS / "messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]")

translate_cli = AppGroup("translate", help="Keep the message catalogs in step with the code.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True,
                   cwd=BASE_DIR)


def extract(output: Path) -> None:
    _pybabel(
        "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_pgettext:1c,2",
        "--add-comments=i18n:", "--sort-by-file",
        "--project=seoul-foreigner-portal", "-o", str(output), ".",
    )


@translate_cli.command("update")
def update_command() -> None:
    """Extract messages from the code and merge them into every catalog."""
    extract(POT)
    for lang in LOCALES:
        if (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").exists():
            _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang,
                     "--ignore-obsolete")
        else:
            _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)
    fill_source_catalog(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")
    for lang in LOCALES:
        set_team_headers(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang)


def fill_source_catalog(path: Path) -> None:
    """English is the source language: its catalog repeats each message as its translation."""
    from babel.messages.pofile import write_po

    with path.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, width=100)


def set_team_headers(path: Path, lang: str) -> None:
    """Name who keeps a catalog (the headers pybabel leaves as placeholders)."""
    from babel import Locale
    from babel.messages.pofile import write_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    language = Locale.parse(lang).get_display_name("en")
    team = f"Seoul Foreigner Portal, {language} translation"
    if catalog.last_translator == team and catalog.language_team == team:
        return
    catalog.last_translator = team
    catalog.language_team = team
    with path.open("wb") as f:
        write_po(f, catalog)


@translate_cli.command("compile")
def compile_command() -> None:
    """Compile the catalogs into the .mo files the portal reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def check_catalogs(directory: Path = TRANSLATIONS) -> list[str]:
    """Return every problem: messages missing, untranslated, fuzzy or with other placeholders."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        pot_path = Path(tmp) / "messages.pot"
        extract(pot_path)
        with pot_path.open("rb") as f:
            template = read_po(f)
    wanted = {m.id for m in template if m.id}
    for lang in LOCALES:
        po_path = directory / lang / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            problems.append(f"{lang}: no catalog at {po_path}")
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        present = {m.id for m in catalog if m.id}
        for msgid in sorted(wanted - present, key=str):
            problems.append(f"{lang}: missing {msgid!r} (run flask translate update)")
        for message in catalog:
            if not message.id or message.id not in wanted:
                continue
            singular = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.append(f"{lang}: fuzzy {singular!r}")
            if not all(strings):
                problems.append(f"{lang}: untranslated {singular!r}")
                continue
            source = placeholders(singular)
            for translated in strings:
                if placeholders(translated) != source and not (
                    isinstance(message.id, tuple) and "%(num)d" in translated
                ):
                    problems.append(
                        f"{lang}: placeholders differ in {singular!r}: "
                        f"{placeholders(translated)} != {source}"
                    )
    return problems


@translate_cli.command("check")
def check_command() -> None:
    """Fail when a catalog is out of step with the code, incomplete, fuzzy or mismatched."""
    problems = check_catalogs()
    for problem in problems:
        click.echo(problem, err=True)
    warnings = glossary_warnings(TRANSLATIONS, LOCALES)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{len(LOCALES)} catalogs complete"
               + (f", {len(warnings)} glossary warning(s)" if warnings else ""))
