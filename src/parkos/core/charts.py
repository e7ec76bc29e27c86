"""One palette and one base for every chart. Apps build their ECharts options on the server (so
labels arrive translated) in `<app>/charts.py`, starting from `base_option`, and the page draws
them with `static/parkos/charts.js`."""

from copy import deepcopy

# Series colours in the order series take them: the Tabler/Bootstrap hues the pages use.
PALETTE = (
    "#206bc4",
    "#2fb344",
    "#f59f00",
    "#d63939",
    "#ae3ec9",
    "#17a2b8",
    "#f76707",
    "#667382",
)
SEVERITY_COLOURS = {
    "critical": "#d63939",
    "major": "#f76707",
    "minor": "#f59f00",
    "warning": "#fab005",
    "online": "#2fb344",
    "offline": "#9aa0ac",
}
# Named roles a colour plays across apps: measured against expected, good against bad.
ROLE_COLOURS = {
    "actual": "#206bc4",
    "forecast": "#f76707",
    "capacity": "#1d273b",
    "target": "#667382",
    "good": "#2fb344",
    "bad": "#d63939",
    "muted": "#9aa0ac",
}
# Low → high load, for heat maps and visual maps.
LOAD_SCALE = ("#2fb344", "#f59f00", "#d63939")

_BASE = {
    "color": list(PALETTE),
    "tooltip": {"trigger": "axis"},
    "grid": {"left": 48, "right": 24, "top": 40, "bottom": 40, "containLabel": True},
    "legend": {"top": 0},
    "animation": False,
}


def _merge(into: dict, extra: dict) -> dict:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


def base_option(**overrides) -> dict:
    """A fresh option with the house palette, tooltip, grid and legend; `overrides` are merged
    in (nested dicts key by key), so an app states only what its chart adds."""
    return _merge(deepcopy(_BASE), overrides)
