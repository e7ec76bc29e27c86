"""Text the system writes for people (alarm messages, crowd warnings, dispatch reasons, ledger
flags, audit entries, notifications) is stored as a code and its parameters and worded when it is
shown, so each reader sees their own language and a later wording fix reaches old rows.

Two forms, one mechanism:
- A message text `{"msgid": ..., "context": ... (optional), "params": {...}}`, made with `text()`.
  The writer marks the msgid with gettext_noop / pgettext_noop so that makemessages finds it.
  A parameter is a plain value (numbers grouped by thousands), a nested text, `translatable(word)`
  for a word translated on its own (a metric's name), or `when(datetime)` for a moment shown in
  the park's time zone.
- A coded text `{"code": ..., <values>}`, for a vocabulary an app words with some logic of its
  own (a dispatch reason naming a category): the app declares a `CodedTexts` catalogue and
  registers one wording function per code.
"""

from collections.abc import Callable
from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext


def text(msgid: str, context: str | None = None, **params) -> dict:
    """A text to store, made of a marked msgid and its parameters."""
    spec: dict = {"msgid": msgid, "params": params}
    if context:
        spec["context"] = context
    return spec


def translatable(word: str) -> dict:
    """A parameter that is a word to translate when shown (e.g. a metric's name)."""
    return {"name": word}


def when(moment: datetime | date) -> dict:
    """A parameter that is a moment, shown in the reader's format and the park's time zone."""
    if isinstance(moment, datetime):
        return {"at": moment.isoformat()}
    return {"on": moment.isoformat()}


def moment_display(value: dict) -> str:
    if "at" in value:
        moment = datetime.fromisoformat(value["at"])
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return formats.date_format(date.fromisoformat(value["on"]), "SHORT_DATE_FORMAT")


def _param(value):
    if isinstance(value, dict):
        if "msgid" in value:
            return text_render(value)
        if "code" in value:
            return render_any(value)
        if "name" in value:
            return gettext(value["name"]) if value["name"] else ""
        if "at" in value or "on" in value:
            return moment_display(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        # Grouped by thousands with a comma in every language ("4,187"), as the rest of the
        # product shows counts.
        return f"{value:,}"
    return value


def text_render(spec: dict | None, default: str = "") -> str:
    """The text in the active language; `default` (the text stored before texts were kept as
    ids) when there is none or it cannot be rendered."""
    if not spec:
        return default
    if "code" in spec and "msgid" not in spec:
        return render_any(spec, default)
    if not spec.get("msgid"):
        return default
    template = (
        pgettext(spec["context"], spec["msgid"]) if spec.get("context") else gettext(spec["msgid"])
    )
    params = {name: _param(value) for name, value in (spec.get("params") or {}).items()}
    try:
        return template % params if params else template
    except (KeyError, TypeError, ValueError):
        return default or spec["msgid"]


Wording = Callable[[dict], str]
_CATALOGUES: dict[str, "CodedTexts"] = {}


class CodedTexts:
    """An app's vocabulary of coded texts. Stored specs may carry the catalogue's namespace
    (`{"ns": ..., "code": ...}`) so that `text_render` finds the catalogue from the spec alone;
    specs stored without it are worded through the catalogue object itself."""

    def __init__(self, namespace: str):
        if namespace in _CATALOGUES:
            raise ValueError(f"coded texts {namespace!r} declared twice")
        self.namespace = namespace
        self._wordings: dict[str, Wording] = {}
        _CATALOGUES[namespace] = self

    def register(self, code: str) -> Callable[[Wording], Wording]:
        def decorate(wording: Wording) -> Wording:
            self._wordings[code] = wording
            return wording

        return decorate

    def make(self, code: str, **values) -> dict:
        """A spec to store."""
        if code not in self._wordings:
            raise ValueError(f"{self.namespace}: unknown code {code!r}")
        return {"ns": self.namespace, "code": code, **values}

    def knows(self, code: str) -> bool:
        return code in self._wordings

    def render(self, spec: dict | str | None, default: str = "") -> str:
        if not spec:
            return default
        if isinstance(spec, str):
            # Text stored by versions that kept words, not codes: shown as it was written.
            return spec
        wording = self._wordings.get(spec.get("code", ""))
        if wording is None:
            return default or str(spec.get("code", ""))
        try:
            return wording(spec)
        except (KeyError, TypeError, ValueError):
            return default or str(spec.get("code", ""))


def render_any(spec: dict, default: str = "") -> str:
    catalogue = _CATALOGUES.get(spec.get("ns", ""))
    if catalogue is None:
        return default or str(spec.get("code", ""))
    return catalogue.render(spec, default)
