"""The portal's glossary (translations/GLOSSARY.md) and the check that translations follow it."""

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

_NOTE = re.compile(r"\([^)]*\)|（[^）]*）")
_CONTEXT = re.compile(r"^\[([^\]]+)\]\s*")
_ALTERNATIVES = re.compile(r"\s*／\s*|\s+/\s+")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


@dataclass(frozen=True)
class Term:
    """An English term and, per language, the words a translation of it may use."""

    english: str
    words: dict[str, tuple[str, ...]]
    # The msgctxt this row is for (``[mentor application] decline``); None: any other.
    context: str | None = None

    def pattern(self) -> re.Pattern:
        # The term as a whole word or phrase, in any case, plural or not.
        return re.compile(rf"\b{re.escape(self.english)}(?:s|es)?\b", re.IGNORECASE)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_glossary(path: Path) -> list[Term]:
    """The terms of a glossary table whose columns are English, then one per language."""
    terms: list[Term] = []
    languages: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = _cells(line)
        if cells[0] == "English":
            languages = cells[1:]
            continue
        if set(cells[0]) <= set("-: ") or not languages:
            continue
        context = _CONTEXT.match(cells[0])
        english = cells[0][context.end():] if context else cells[0]
        variants = [v.strip() for v in _ALTERNATIVES.split(_NOTE.sub("", english)) if v.strip()]
        per_language = {
            lang: [w.strip() for w in _ALTERNATIVES.split(_NOTE.sub("", cell)) if w.strip()]
            for lang, cell in zip(languages, cells[1:], strict=False)
        }
        for index, variant in enumerate(variants):
            words = {}
            for lang, alternatives in per_language.items():
                if len(alternatives) == len(variants):
                    words[lang] = (alternatives[index],)
                else:
                    words[lang] = tuple(alternatives)
            terms.append(Term(variant, words, context.group(1) if context else None))
    return terms


def glossary_warnings(directory: Path, languages) -> list[str]:
    """Messages that use a glossary term in English whose translation has none of its words."""
    glossary = directory / "GLOSSARY.md"
    if not glossary.exists():
        return []
    terms = [(term, term.pattern()) for term in read_glossary(glossary)]
    # A word with a row for a message's msgctxt is held to that row only, others to the rows
    # without one.
    contexts = {(term.english.casefold(), term.context) for term, _ in terms if term.context}
    warnings = []
    for lang in languages:
        po_path = directory / lang / "LC_MESSAGES" / "messages.po"
        if lang == "en" or not po_path.exists():
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        for message in catalog:
            if not message.id or not message.string:
                continue
            if any(comment.startswith("glossary-ok") for comment in message.user_comments):
                continue  # a translator checked this one: the term is used in another sense
            source = message.id[0] if isinstance(message.id, tuple) else message.id
            # A placeholder's name (%(affiliation)s) is not a use of the word.
            source = _PLACEHOLDER.sub("", source)
            translated = " ".join(message.string) if isinstance(message.string, tuple) \
                else message.string
            folded = translated.casefold()
            for term, pattern in terms:
                words = term.words.get(lang)
                if not words or not pattern.search(source):
                    continue
                own_row = (term.english.casefold(), message.context) in contexts
                if term.context != (message.context if own_row else None):
                    continue
                if not any(word.casefold() in folded for word in words):
                    warnings.append(
                        f"{lang}: {source!r} uses “{term.english}”: expected "
                        f"{' or '.join(words)} in {translated!r}"
                    )
    return warnings
