"""Reference vocabularies shipped with the app: fields, readiness levels, patent types, modes,
contract types and the reason codes people choose from. Codes are stored; words are shown in the
reader's language."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TechField(models.TextChoices):
    """The eight national key-supported high-technology fields (国家重点支持的高新技术领域)."""

    ELECTRONIC_INFORMATION = "electronic_information", _("Electronic information")
    BIO_MEDICINE = "bio_medicine", _("Biology and new medicine")
    AEROSPACE = "aerospace", _("Aviation and aerospace")
    NEW_MATERIALS = "new_materials", _("New materials")
    HIGH_TECH_SERVICES = "high_tech_services", _("High-technology services")
    NEW_ENERGY = "new_energy", _("New energy and energy saving")
    RESOURCES_ENVIRONMENT = "resources_environment", _("Resources and environment")
    ADVANCED_MANUFACTURING = "advanced_manufacturing", _("Advanced manufacturing and automation")


# GB/T 22900-2022 (科学技术研究项目评价通则): the nine technology readiness levels.
TRL_WORDING = {
    1: _("TRL 1: basic principles observed and reported"),
    2: _("TRL 2: technology concept and application formulated"),
    3: _("TRL 3: key functions and characteristics proven by analysis and experiment"),
    4: _("TRL 4: components validated in a laboratory environment"),
    5: _("TRL 5: components validated in a relevant environment"),
    6: _("TRL 6: prototype demonstrated in a relevant environment (pilot scale)"),
    7: _("TRL 7: prototype demonstrated in the operational environment"),
    8: _("TRL 8: system complete and qualified through test and demonstration"),
    9: _("TRL 9: system proven in successful operation (mass production)"),
}
TRL_CHOICES = [(level, wording) for level, wording in TRL_WORDING.items()]


class PatentType(models.TextChoices):
    """CNIPA's three kinds of patent; the fifth digit of an application number says which."""

    INVENTION = "invention", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model")
    DESIGN = "design", _("Design patent")


class LegalStatus(models.TextChoices):
    PENDING = "pending", _("Application pending")
    GRANTED = "granted", _("Granted, in force")
    LAPSED = "lapsed", _("Lapsed")
    NONE = "none", _("No patent (know-how)")


class Mode(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    EQUITY = "equity", _("Equity investment")


class ContractType(models.TextChoices):
    """The five kinds of technology contract of China's contract registration
    (技术合同认定登记)."""

    DEVELOPMENT = "development", _("Technology development")
    TRANSFER = "transfer", pgettext_lazy("contract type", "Technology transfer")
    LICENCE = "licence", _("Technology licensing")
    CONSULTING = "consulting", _("Technology consulting")
    SERVICE = "service", _("Technology service")


class IpType(models.TextChoices):
    INVENTION = "invention", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model")
    DESIGN = "design", _("Design patent")
    SOFTWARE = "software", _("Software copyright")
    IC_LAYOUT = "ic_layout", _("Integrated-circuit layout design")
    PLANT_VARIETY = "plant_variety", _("New plant variety")
    KNOW_HOW = "know_how", _("Technical secret (know-how)")


class DeclineReason(models.TextChoices):
    """Structured feedback to the other side (IN-PART's "too early", "benefit unclear")."""

    TOO_EARLY = "too_early", _("Too early: the technology is not mature enough")
    BENEFIT_UNCLEAR = "benefit_unclear", _("The benefit is unclear")
    PRICE = "price", _("The price is beyond the budget")
    NOT_RELEVANT = "not_relevant", _("Not relevant to the problem")
    MODE = "mode", _("The mode of co-operation does not suit")
    ALREADY_SOLVED = "already_solved", _("Already solved another way")
    OTHER = "other", _("Another reason")


class DropReason(models.TextChoices):
    NO_RESPONSE = "no_response", _("No response from a party")
    PRICE = "price", _("No agreement on the price")
    IP = "ip", _("Intellectual-property terms not agreed")
    TECHNICAL = "technical", _("The technology did not meet the need")
    DEMAND_GONE = "demand_gone", _("The demand was withdrawn")
    OTHER = "other", _("Another reason")


# Cities of the network's parks and branches are regions; other Chinese provinces and cities
# are accepted as typed. These are offered first in forms.
REGIONS = ["上海", "昆山", "绍兴", "南通", "嘉兴", "苏州", "杭州", "南京", "合肥", "北京", "深圳"]
