"""The door to the text classifier (property/dispatch/classifier.py): train a company's
model from its own history, keep it as bytes, predict a category with a confidence."""

import logging
import threading
import time

from django.db import transaction
from django.utils import timezone

from parkos.property.models import DispatchModel, Ticket, TicketStatus

# Enough history to learn a company's wording; older tickets add little and slow training.
TRAINING_LIMIT = 4000
MIN_SAMPLES = 20
FRESH_SECONDS = 30

logger = logging.getLogger(__name__)
_cache: dict = {}
_lock = threading.Lock()


def training_text(ticket) -> str:
    return f"{ticket['title']} {ticket['description']}".strip()


def training_set(company) -> tuple[list[str], list[str]]:
    """The company's tickets with a settled category (dispatcher corrections included)."""
    rows = (
        Ticket.objects.filter(company=company)
        .exclude(category="")
        .exclude(status=TicketStatus.NEW)
        .order_by("-created_at")
        .values("title", "description", "category")[:TRAINING_LIMIT]
    )
    texts, labels = [], []
    for row in rows:
        texts.append(training_text(row))
        labels.append(row["category"])
    return texts, labels


def model_train(*, company) -> DispatchModel | None:
    texts, labels = training_set(company)
    if len(texts) < MIN_SAMPLES or len(set(labels)) < 2:
        return None
    engine = _engine()
    try:
        model = engine.train(texts, labels)
    except engine.DispatchDataError:
        return None
    with transaction.atomic():
        row = DispatchModel.objects.create(
            company=company,
            trained_at=timezone.now(),
            samples=len(texts),
            labels=sorted(set(labels)),
            blob=_dump(model),
        )
        DispatchModel.objects.filter(company=company).exclude(pk=row.pk).delete()
    _cache.pop(company.id, None)
    return row


def predict(company_id, text: str, top: int = 3) -> list[tuple[str, float]]:
    """Ranked (category, probability) suggestions; empty when the company has no model."""
    model = _model_for(company_id)
    if model is None:
        return []
    return [(str(label), float(p)) for label, p in model.predict(text, top=top)]


def _model_for(company_id):
    cached = _cache.get(company_id)
    # A retrained model is picked up within FRESH_SECONDS; meanwhile no query is spent on
    # asking whether there is one, on the path every new ticket takes.
    if cached and time.monotonic() - cached[2] < FRESH_SECONDS:
        return cached[1]
    latest = (
        DispatchModel.objects.filter(company_id=company_id)
        .order_by("-trained_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    if latest is None:
        _cache.pop(company_id, None)
        return None
    if cached and cached[0] == latest:
        _cache[company_id] = (latest, cached[1], time.monotonic())
        return cached[1]
    engine = _engine()
    with _lock:
        blob = DispatchModel.objects.values_list("blob", flat=True).get(pk=latest)
        try:
            model = engine.from_bytes(bytes(blob))
        except Exception:
            # A model saved by another release of the engine (or damaged): tickets wait for
            # a dispatcher until the scheduled retrain replaces it, rather than failing.
            logger.exception("property: the dispatch model of %s cannot be loaded", company_id)
            return None
        _cache[company_id] = (latest, model, time.monotonic())
    return model


def _dump(model) -> bytes:
    return model.to_bytes()


def _engine():
    # Imported when first used: the engine loads jieba and scikit-learn, which pages and
    # the API of this app do not need.
    from parkos.property.dispatch import classifier

    return classifier
