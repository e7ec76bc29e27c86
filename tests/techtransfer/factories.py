"""Factories for technology transfer's main models."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from factories import EnterpriseFactory
from parkos.techtransfer.models import (
    Achievement,
    AchievementStatus,
    Demand,
    Institution,
)
from parkos.techtransfer.patents import with_check


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试大学{n}")
    region = "上海"


class AchievementFactory(factory.django.DjangoModelFactory):
    """A published achievement (the engine matches published ones only)."""

    class Meta:
        model = Achievement

    institution = factory.SubFactory(InstitutionFactory)
    title = "基于深度学习的机器视觉锂电池极片表面缺陷检测系统"
    description = "采用工业相机与卷积神经网络，在线识别极片划痕、漏箔、气泡等缺陷，检出率99.5%。"
    field = "advanced_manufacturing"
    trl = 7
    modes = factory.LazyFunction(lambda: ["licence", "transfer"])
    price = Decimal("600000.00")
    patent_type = "invention"
    patent_number = factory.Sequence(lambda n: with_check(f"2021101{n:05d}"))
    legal_status = "granted"
    status = AchievementStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    enterprise = factory.SubFactory(EnterpriseFactory)
    title = "锂电池极片缺陷视觉检测"
    problem = "希望用机器视觉检测锂电池极片表面缺陷，预算 80 万"
    field = "advanced_manufacturing"
    trl_required = 6
    budget = Decimal("800000.00")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))
    modes = factory.LazyFunction(lambda: ["licence"])
