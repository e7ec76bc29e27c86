"""The reference list of Chinese universities shipped with the app (data/universities.json: the
Ministry of Education's institution code, names, city, province and the main campus's
coordinates, WGS-84, to about a kilometre). Read once; a candidate's education and a campus
fair point at it by code."""

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data" / "universities.json"


@dataclass(frozen=True)
class University:
    code: str
    name: str
    name_en: str
    city: str
    province: str
    latitude: Decimal
    longitude: Decimal

    @property
    def label(self) -> str:
        language = (get_language() or "zh-hans").lower()
        return self.name if language.startswith("zh") else self.name_en


@lru_cache(maxsize=1)
def universities() -> dict[str, University]:
    with DATA.open(encoding="utf-8") as handle:
        return {
            row["code"]: University(
                code=row["code"],
                name=row["name"],
                name_en=row["name_en"],
                city=row["city"],
                province=row["province"],
                latitude=Decimal(row["latitude"]),
                longitude=Decimal(row["longitude"]),
            )
            for row in json.load(handle)
        }


def university_get(code: str) -> University | None:
    return universities().get(code or "")


def university_choices() -> list[tuple[str, str]]:
    return sorted(((u.code, u.label) for u in universities().values()), key=lambda c: c[1])
