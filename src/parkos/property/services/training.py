"""Retraining the dispatch classifiers: each company's from its own settled tickets."""

import logging

from parkos.property import categorize
from parkos.property.models import PropertyCompany

logger = logging.getLogger(__name__)


def company_retrain(*, company):
    row = categorize.model_train(company=company)
    if row is None:
        logger.info("property: too little history to train %s", company)
    return row


def retrain_all() -> dict[str, int]:
    """Samples used per company name (0 when it had too little history)."""
    result = {}
    for company in PropertyCompany.objects.order_by("name"):
        row = company_retrain(company=company)
        result[company.name] = row.samples if row else 0
    return result
