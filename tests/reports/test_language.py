"""Language detection of report texts."""

import pytest

from portal.reports.language import detect_language, language_codes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Chủ nhà không trả lại tiền đặt cọc cho tôi.", "vi"),
        ("房租太贵了，房东不退押金", "zh"),
        ("大家さんが敷金を返してくれません。", "ja"),
        ("월세가 너무 올랐어요", "ko"),
        ("The heating in my flat has been broken for two weeks.", "en"),
        ("Арендодатель не возвращает залог.", "ru"),
        ("Le propriétaire ne veut pas rendre la caution.", "fr"),
    ],
)
def test_detects_the_language(text, code):
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "   ", "ok", "123", "!!?", "월세"])
def test_too_short_text_has_no_language(text):
    assert detect_language(text) is None


def test_language_codes_are_sorted_and_cover_detected_codes():
    codes = language_codes()
    assert codes == sorted(codes)
    assert {"en", "ko", "zh", "ja", "vi"} <= set(codes)
    assert all(len(code) == 2 and code.islower() for code in codes)
