from dataclasses import dataclass, field
from datetime import date
from random import Random
from typing import Any

DEMO_PASSWORD = "parkos-demo"
# The demo's "today": data is laid out around it so that the demo looks the same whenever
# it is loaded, while dates that must be live (open tickets, current leases) stay current.
SEED = 20191024


@dataclass
class DemoContext:
    today: date
    rng: Random = field(default_factory=lambda: Random(SEED))
    users: dict[str, Any] = field(default_factory=dict)
    parks: dict[str, Any] = field(default_factory=dict)
    enterprises: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def rng_for(self, name: str) -> Random:
        """A generator of its own for each app, so that adding data to one app does not
        shift another's."""
        return Random(f"{SEED}:{name}")
