"""The demo park network: a flagship in Shanghai and three branches, ~200 enterprises with
valid credit codes, buildings, units, leases and five years of KPIs."""

from datetime import date, timedelta
from decimal import Decimal

from parkos.demo.context import DemoContext
from parkos.demo.names import (
    BRAND_PINYIN,
    BRAND_SYLLABLES,
    CITY_PREFIX,
    INDUSTRY_DESCRIPTIONS,
    INDUSTRY_SUFFIX,
)
from parkos.parks.credit_code import ALPHABET, check_character
from parkos.parks.models import Building, Enterprise, Floor, Lease, Park, ParkKPI, Unit, Zone

PARKS = [
    # code, name, English name, city key, city, region code, lat, lng, opened, buildings per zone, zones
    (
        "pujiang",
        "浦江软件园",
        "Pujiang Software Park",
        "shanghai",
        "上海",
        "310115",
        "31.2040",
        "121.5900",
        date(2000, 6, 1),
        ["A区", "B区", "C区"],
    ),
    (
        "kunshan",
        "浦江软件园昆山分园",
        "Pujiang Software Park Kunshan",
        "kunshan",
        "昆山",
        "320583",
        "31.3860",
        "120.9810",
        date(2016, 9, 1),
        ["昆山园区"],
    ),
    (
        "nantong",
        "浦江软件园南通分园",
        "Pujiang Software Park Nantong",
        "nantong",
        "南通",
        "320600",
        "31.9800",
        "120.8940",
        date(2018, 4, 1),
        ["南通园区"],
    ),
    (
        "jiaxing",
        "浦江软件园嘉兴分园",
        "Pujiang Software Park Jiaxing",
        "jiaxing",
        "嘉兴",
        "330400",
        "30.7460",
        "120.7560",
        date(2019, 11, 1),
        ["嘉兴园区"],
    ),
]
ENTERPRISE_COUNT = 200
INDUSTRY_WEIGHTS = {
    "ai": 24,
    "ic": 14,
    "cloud": 18,
    "software": 24,
    "fintech": 10,
    "media": 8,
    "biotech": 2,
}


def make_credit_code(rng, region: str) -> str:
    organization = "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    first17 = "91" + region + organization
    return first17 + check_character(first17)


def load(context: DemoContext) -> None:
    rng = context.rng_for("parks")
    flagship = None
    for code, name, name_en, city_key, city, region, lat, lng, opened, zones in PARKS:
        park = Park.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            city=city,
            parent=flagship,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
            opened_on=opened,
            address=f"{city}市软件园路{rng.randint(1, 999)}号",
        )
        park.region_code = region
        park.city_key = city_key
        context.parks[code] = park
        flagship = flagship or park
        _structure(rng, park, zones, buildings_per_zone=2)
    _enterprises(rng, context)
    _leases(rng, context)
    _kpis(rng, context)


def _structure(rng, park: Park, zone_names: list[str], buildings_per_zone: int) -> None:
    building_number = 0
    for zone_name in zone_names:
        zone = Zone.objects.create(park=park, name=zone_name)
        for _ in range(buildings_per_zone):
            building_number += 1
            building = Building.objects.create(
                park=park,
                zone=zone,
                name=f"{building_number}号楼",
                latitude=park.latitude + Decimal(rng.randint(-40, 40)) / 10000,
                longitude=park.longitude + Decimal(rng.randint(-40, 40)) / 10000,
            )
            floors = [
                Floor(building=building, level=level, name=f"{level}F")
                for level in range(1, rng.randint(8, 12) + 1)
            ]
            Floor.objects.bulk_create(floors)
            Unit.objects.bulk_create(
                Unit(
                    floor=floor,
                    number=f"{floor.level}{index:02d}",
                    area=Decimal(rng.choice([85, 120, 160, 220, 300, 450, 600])),
                )
                for floor in floors
                for index in range(1, rng.randint(4, 6) + 1)
            )


def _enterprises(rng, context: DemoContext) -> None:
    parks = list(context.parks.values())
    # The flagship holds most tenants, as in the articles' parks.
    park_weights = [0.7, 0.1, 0.1, 0.1]
    industries = list(INDUSTRY_WEIGHTS)
    weights = list(INDUSTRY_WEIGHTS.values())
    used_names: set[str] = set()
    rows = []
    while len(rows) < ENTERPRISE_COUNT:
        park = rng.choices(parks, park_weights)[0]
        industry = rng.choices(industries, weights)[0]
        brand = "".join(rng.sample(BRAND_SYLLABLES, 2))
        suffix, suffix_en = rng.choice(INDUSTRY_SUFFIX[industry])
        name = f"{CITY_PREFIX[park.city_key]}{brand}{suffix}有限公司"
        if name in used_names:
            continue
        used_names.add(name)
        pinyin = "".join(BRAND_PINYIN[char] for char in brand)
        size = rng.choices(["micro", "small", "medium", "large"], [30, 40, 22, 8])[0]
        headcount = {
            "micro": (3, 19),
            "small": (20, 99),
            "medium": (100, 499),
            "large": (500, 3000),
        }[size]
        rows.append(
            Enterprise(
                name=name,
                name_en=f"{pinyin} {suffix_en} Co., Ltd.",
                credit_code=make_credit_code(rng, park.region_code),
                park=park,
                industry=industry,
                size=size,
                headcount=rng.randint(*headcount),
                description=INDUSTRY_DESCRIPTIONS[industry],
            )
        )
    Enterprise.objects.bulk_create(rows)
    context.enterprises = list(Enterprise.objects.order_by("credit_code"))


def _leases(rng, context: DemoContext) -> None:
    free_units = {
        park.id: list(
            Unit.objects.filter(floor__building__park=park).order_by(
                "floor__building__name", "floor__level", "number"
            )
        )
        for park in context.parks.values()
    }
    for units in free_units.values():
        rng.shuffle(units)
    today = context.today
    leases = []
    for enterprise in context.enterprises:
        units = free_units[enterprise.park_id]
        for _ in range(1 if enterprise.size in ("micro", "small") else 2):
            if not units:
                break
            unit = units.pop()
            rate = Decimal(
                rng.choice([3.5, 4.2, 4.8, 5.5, 6.5])
            )  # CNY per m² per day, Shanghai office rents
            # An earlier lease that ended, then the current one: history on every unit.
            past_start = today.replace(year=today.year - 4, month=1, day=1) + timedelta(
                days=rng.randint(0, 300)
            )
            past_end = past_start + timedelta(days=3 * 365 - 1)
            current_end = today + timedelta(days=rng.randint(60, 900))
            monthly = (unit.area * rate * Decimal(30)).quantize(Decimal("0.01"))
            leases.append(
                Lease(
                    unit=unit,
                    enterprise=enterprise,
                    start=past_start,
                    end=past_end,
                    monthly_rent=(monthly * Decimal("0.92")).quantize(Decimal("0.01")),
                )
            )
            leases.append(
                Lease(
                    unit=unit,
                    enterprise=enterprise,
                    start=past_end + timedelta(days=1),
                    end=current_end,
                    monthly_rent=monthly,
                )
            )
    Lease.objects.bulk_create(leases)


def _kpis(rng, context: DemoContext) -> None:
    last_year = context.today.year - 1
    kpis = []
    for park in context.parks.values():
        scale = 1.0 if park.parent_id is None else 0.15
        enterprises = int(900 * scale)
        employees = int(42000 * scale)
        output = Decimal(int(380 * scale * 100)) * Decimal(1_000_000)  # CNY
        for year in range(last_year - 4, last_year + 1):
            growth = Decimal(str(1 + rng.uniform(0.04, 0.14)))
            enterprises = int(enterprises * float(growth))
            employees = int(employees * float(growth))
            output = (output * growth).quantize(Decimal("1"))
            kpis.append(
                ParkKPI(
                    park=park,
                    year=year,
                    enterprises=enterprises,
                    employees=employees,
                    output_value=output,
                    floor_area=Decimal(int(620000 * scale))
                    + Decimal((year - last_year + 4) * int(15000 * scale)),
                    investment=(output * Decimal(str(rng.uniform(0.05, 0.09)))).quantize(
                        Decimal("1")
                    ),
                )
            )
    ParkKPI.objects.bulk_create(kpis)
