"""Every catalogue is complete and compiled: a user who reads Chinese never meets an English
string the developers forgot, and a fresh machine needs no gettext."""

import re
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "parkos"
CATALOGUES = sorted(SOURCE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
ENTRY = re.compile(
    r'^msgid (".*"(?:\n".*")*)\n(?:msgid_plural .*\n(?:".*"\n)*)?msgstr(?:\[0\])? (".*"(?:\n".*")*)',
    re.M,
)


def entries(path: Path):
    text = path.read_text(encoding="utf-8")
    for match in ENTRY.finditer(text):
        msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
        msgstr = "".join(re.findall(r'"(.*)"', match.group(2)))
        start = text.rfind("\n\n", 0, match.start())
        fuzzy = "#, fuzzy" in text[start : match.start()]
        if msgid:
            yield msgid, msgstr, fuzzy


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 4


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(SOURCE)))
def test_catalogue_is_complete_and_compiled(catalogue):
    untranslated = [msgid for msgid, msgstr, fuzzy in entries(catalogue) if not msgstr or fuzzy]
    assert untranslated == []
    compiled = catalogue.with_suffix(".mo")
    assert compiled.exists()
    assert compiled.stat().st_size > 100


def test_chinese_is_the_default_and_english_switchable(client):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Enterprises") == "企业"
    with translation.override("en"):
        assert translation.gettext("Enterprises") == "Enterprises"
