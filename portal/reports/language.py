"""Detect the language a resident wrote a report in.

Detection uses the maintained ``lingua`` library, restricted to the languages residents of
Seoul write in; fewer candidates means fewer confusions and less memory. Lingua has no model
for Nepali or Uzbek, so reports in those languages are detected as None or as a neighbour.
"""

import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

RESIDENT_LANGUAGES = (
    Language.ENGLISH,
    Language.KOREAN,
    Language.CHINESE,
    Language.JAPANESE,
    Language.VIETNAMESE,
    Language.RUSSIAN,
    Language.MONGOLIAN,
    Language.THAI,
    Language.TAGALOG,
    Language.INDONESIAN,
    Language.FRENCH,
    Language.GERMAN,
    Language.SPANISH,
)

# Below this many letters ("ok", "네", "123") any guess is noise.
MINIMUM_LETTERS = 3

# How far the best language must lead the runner-up; closer calls return None.
MINIMUM_RELATIVE_DISTANCE = 0.1

_detector: LanguageDetector | None = None
_detector_lock = threading.Lock()


def _get_detector() -> LanguageDetector:
    """Return the shared detector, building it once on first use."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                # Preloading all models costs about 270 MB of RSS, measured; loading them
                # lazily reaches about 220 MB once every script has been seen, so preloading
                # buys a steady first-request time for little extra memory.
                _detector = (
                    LanguageDetectorBuilder.from_languages(*RESIDENT_LANGUAGES)
                    .with_minimum_relative_distance(MINIMUM_RELATIVE_DISTANCE)
                    .with_preloaded_language_models()
                    .build()
                )
    return _detector


def _code(language: Language) -> str:
    """Return the lower-case ISO 639-1 code of a lingua language."""
    return language.iso_code_639_1.name.lower()


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of the language of ``text``, or None if short or unclear."""
    if sum(character.isalpha() for character in text) < MINIMUM_LETTERS:
        return None
    language = _get_detector().detect_language_of(text)
    return None if language is None else _code(language)


def language_codes() -> list[str]:
    """Return the sorted ISO 639-1 codes that ``detect_language`` can return."""
    return sorted(_code(language) for language in RESIDENT_LANGUAGES)
