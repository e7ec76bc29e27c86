from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from parkos.core.texts import CodedTexts, text, text_render, translatable, when


def test_a_text_is_worded_in_the_readers_language():
    spec = text("%(name)s is %(value)s", name=translatable("Yes"), value=4187)
    with translation.override("en"):
        assert text_render(spec) == "Yes is 4,187"
    with translation.override("zh-hans"):
        assert text_render(spec).startswith("是")


def test_a_moment_is_shown_in_the_park_time_zone():
    utc_midnight = datetime(2026, 1, 6, 16, 0, tzinfo=ZoneInfo("UTC"))
    spec = text("until %(until)s", until=when(utc_midnight))
    with translation.override("en"):
        assert (
            "2026" in text_render(spec) or "01/07" in text_render(spec) or "7" in text_render(spec)
        )
        assert "00:00" in text_render(spec) or "midnight" in text_render(spec).lower()


def test_broken_or_missing_texts_fall_back_to_what_was_stored():
    assert text_render(None, "old words") == "old words"
    assert text_render(text("%(missing)s", other=1), "old") == "old"


CATALOGUE = CodedTexts("test.reasons")


@CATALOGUE.register("count")
def _count(spec):
    return f"{spec['n']} open"


def test_coded_texts_render_from_the_spec_alone():
    spec = CATALOGUE.make("count", n=3)
    assert text_render(spec) == "3 open"
    assert CATALOGUE.render("stored as words") == "stored as words"
    assert CATALOGUE.render({"code": "unknown"}) == "unknown"
