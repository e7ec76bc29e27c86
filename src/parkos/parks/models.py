import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.money import MoneyField
from parkos.core.scoping import ScopedQuerySet


class DirectoryQuerySet(ScopedQuerySet):
    """The park tree and the enterprise directory are the park's public face inside the
    platform: every signed-in user sees them (permissions.py), and so do the system's own
    commands and tasks (actor None); a signed-out visitor sees nothing."""

    def visible_to(self, actor):
        if actor is None:
            return self.all()
        return self.none() if self.anonymous(actor) else self.all()


class LeaseQuerySet(ScopedQuerySet):
    """Leases and rents are private: the enterprise's own members and its park's staff."""

    def visible_to(self, actor):
        if actor is not None and self.anonymous(actor):
            return self.none()
        from parkos.parks.permissions import lease_visibility

        return self.filter(lease_visibility(actor))


class Industry(models.TextChoices):
    AI = "ai", _("Artificial intelligence")
    INTEGRATED_CIRCUITS = "ic", _("Integrated circuits")
    CLOUD = "cloud", _("Cloud computing")
    SOFTWARE = "software", _("Software and IT services")
    FINTECH = "fintech", _("Financial technology")
    DIGITAL_MEDIA = "media", _("Digital media")
    BIOTECH = "biotech", _("Life sciences")
    OTHER = "other", _("Other")


class EnterpriseSize(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class Park(models.Model):
    """A park of the network. A branch (分园) has a parent park and lies in another city."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    city = models.CharField(_("city"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["parent_id", "code"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self) -> str:
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.parent_id is not None


class Zone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.CASCADE, related_name="zones"
    )
    name = models.CharField(_("name"), max_length=100)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["park_id", "name"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="zone_unique_name")]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.CASCADE, related_name="buildings"
    )
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="buildings",
    )
    name = models.CharField(_("name"), max_length=100)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["park_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="building_unique_name")
        ]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self) -> str:
        return self.name


class Floor(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="floors"
    )
    level = models.IntegerField(_("level"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["building_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["building", "level"], name="floor_unique_level")
        ]
        verbose_name = _("floor")
        verbose_name_plural = _("floors")

    def __str__(self) -> str:
        return self.name or f"{self.level}F"


class Unit(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    floor = models.ForeignKey(
        Floor, verbose_name=_("floor"), on_delete=models.CASCADE, related_name="units"
    )
    number = models.CharField(_("number"), max_length=20)
    area = models.DecimalField(
        _("area (m²)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["floor_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["floor", "number"], name="unit_unique_number"),
            models.CheckConstraint(condition=Q(area__gt=0), name="unit_area_positive"),
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.number


class Enterprise(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    size = models.CharField(
        pgettext_lazy("enterprise", "size"), max_length=10, choices=EnterpriseSize.choices
    )
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    description = models.TextField(pgettext_lazy("enterprise", "description"), blank=True)
    # Lower-cased names and code in one stored column, kept by the database itself: the
    # directory search scans one plain column instead of upper-casing three per row.
    search_text = models.GeneratedField(
        expression=Lower(Concat("name", Value(" "), "name_en", Value(" "), "credit_code")),
        output_field=models.CharField(max_length=450),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["park", "industry"])]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class Lease(models.Model):
    """A unit let to an enterprise from `start` to `end`, both days included."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="leases"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="leases"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    monthly_rent = MoneyField(_("monthly rent (CNY)"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LeaseQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["unit", "start", "end"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="lease_end_after_start"),
            models.CheckConstraint(
                condition=Q(monthly_rent__gte=0), name="lease_rent_not_negative"
            ),
        ]
        verbose_name = _("lease")
        verbose_name_plural = _("leases")

    def __str__(self) -> str:
        return f"{self.unit} · {self.start}–{self.end}"


class ParkKPI(models.Model):
    """One park's figures for one year, as reported to the operator."""

    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.CASCADE, related_name="kpis"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    enterprises = models.PositiveIntegerField(pgettext_lazy("count", "enterprises"))
    employees = models.PositiveIntegerField(_("employees"))
    output_value = MoneyField(_("annual output (CNY)"), max_digits=18)
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=12, decimal_places=2)
    investment = MoneyField(_("investment (CNY)"), max_digits=18)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["park_id", "year"]
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="kpi_unique_year")]
        verbose_name = _("park KPI")
        verbose_name_plural = _("park KPIs")

    def __str__(self) -> str:
        return f"{self.park} {self.year}"
