"""Text the system writes for people (alarm messages, crowd warnings) is kept as a message id
and its parameters, and translated when it is shown, so each reader sees their own language.

A text is `{"msgid": ..., "context": ... (optional), "params": {...}}`. A parameter is a
plain value (shown as it is), a nested text (rendered the same way), or `{"name": msgid}`
for a word to translate on its own (a metric's name such as "temperature"). The writer
marks each msgid with gettext_noop / pgettext_noop so that makemessages finds it."""

from django.utils.translation import gettext, pgettext


def text(msgid: str, context: str | None = None, **params) -> dict:
    """A text to store, made of a marked msgid and its parameters."""
    spec: dict = {"msgid": msgid, "params": params}
    if context:
        spec["context"] = context
    return spec


def translatable(name: str) -> dict:
    """A parameter that is a word to translate when shown (e.g. a metric's name)."""
    return {"name": name}


def _value(value):
    if isinstance(value, dict):
        if "msgid" in value:
            return text_render(value)
        if "name" in value:
            return gettext(value["name"]) if value["name"] else ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        # Grouped by thousands with a comma in every language ("4,187"), as the rest of
        # the operations center shows counts.
        return f"{value:,}"
    return value


def text_render(spec: dict | None, default: str = "") -> str:
    """The text in the active language; `default` (the text stored before texts were kept
    as ids) when there is none or it cannot be rendered."""
    if not spec or not spec.get("msgid"):
        return default
    template = (
        pgettext(spec["context"], spec["msgid"]) if spec.get("context") else gettext(spec["msgid"])
    )
    params = {name: _value(value) for name, value in (spec.get("params") or {}).items()}
    try:
        return template % params if params else template
    except (KeyError, TypeError, ValueError):
        return default or spec["msgid"]


def metric_label(spec, *, with_unit: bool = True) -> str:
    """A telemetry key's display name in the active language, with its unit: "温度 (°C)"."""
    if spec is None:
        return ""
    name = gettext(spec.name) if spec.name else spec.key
    return f"{name} ({spec.unit})" if with_unit and spec.unit else name
