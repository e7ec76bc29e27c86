"""Per-app additions to the matrix, one module per app written after the table (talent,
techtransfer, community, parking, billing, analytics...). A module may define `API` and `PAGES`
(dicts of `Rule`, merged into declarations) and `build(tenant, index)` (a world builder run after
the built-in ones), so that an app's author adds its declarations without editing shared files."""

import importlib
import pkgutil


def app_modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        yield importlib.import_module(f"{__name__}.{info.name}")
