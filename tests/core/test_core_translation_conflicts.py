"""One English string, one Chinese translation, across every app.

Django merges the apps' catalogues into one, and for a msgid translated in two apps the app
listed first in INSTALLED_APPS wins everywhere. "Accepted" once showed a ticket as 已验收 (the
marketplace's "accepted on delivery") instead of 已接单, because both apps used the bare word.
A word that means different things in two apps needs a translation context in at least one.
"""

import gettext
from collections import defaultdict
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "parkos"
COMPILED = sorted(SOURCE.glob("**/locale/zh_Hans/LC_MESSAGES/django.mo"))


def _catalogue(path: Path) -> dict:
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def test_no_msgid_has_two_translations():
    translations = defaultdict(dict)
    for path in COMPILED:
        owner = str(path.parents[3].relative_to(SOURCE))
        for key, text in _catalogue(path).items():
            if key:
                translations[key][owner] = text
    conflicts = {
        key: owners for key, owners in translations.items() if len(set(owners.values())) > 1
    }
    assert conflicts == {}


def test_the_catalogues_are_found():
    assert len(COMPILED) >= 10
