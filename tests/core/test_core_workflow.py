"""The kernel's workflow on a real model: the audit entry stands in for any stateful row, since
core knows no domain app. Its `action` field plays the state."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from parkos.core.errors import Forbidden
from parkos.core.models import AuditEntry
from parkos.core.workflow import IllegalTransition, Transition, Workflow

pytestmark = pytest.mark.django_db

events: list[dict] = []


def _record(obj, **event):
    events.append({"id": obj.pk, **event})


def _only_staff(actor, obj) -> bool:
    return getattr(actor, "is_staff", False)


def _needs_repr(obj) -> None:
    from parkos.core.errors import ValidationFailed

    if not obj.object_repr:
        raise ValidationFailed.for_field("object_repr", "needs a name")


FLOW = Workflow(
    name="test",
    state_field="action",
    event=_record,
    transitions=[
        Transition("open", sources=("draft",), target="open", label="Open"),
        Transition("close", sources=("open",), target="closed", label="Close", allowed=_only_staff),
        Transition("name", sources=("open",), target="named", guard=_needs_repr),
    ],
)


class Staff:
    is_authenticated = True
    is_staff = True
    pk = None


def _entry(state="draft", name="x"):
    return AuditEntry.objects.create(action=state, object_type="t", object_id="1", object_repr=name)


def test_fire_moves_the_state_saves_and_writes_the_event():
    events.clear()
    entry = _entry()
    with transaction.atomic():
        moved = FLOW.fire(entry, "open", actor=AnonymousUser(), note="why")
    entry.refresh_from_db()
    assert entry.action == moved.action == "open"
    assert events == [
        {
            "id": entry.pk,
            "action": "open",
            "actor": None,
            "before": "draft",
            "after": "open",
            "note": "why",
            "data": {},
            "at": events[0]["at"],
        }
    ]


def test_a_refused_transition_is_one_code_naming_state_and_action():
    entry = _entry("closed")
    with pytest.raises(IllegalTransition) as refused, transaction.atomic():
        FLOW.fire(entry, "open", actor=None)
    body = refused.value.as_dict()
    assert refused.value.status == 409
    assert body["code"] == "illegal_transition"
    assert refused.value.state == "closed" and refused.value.action == "open"
    assert set(body) == {"code", "message", "fields"}
    assert "Open" in body["message"]
    entry.refresh_from_db()
    assert entry.action == "closed"


def test_the_state_is_read_again_under_the_lock():
    """Two people acting on one row: the second sees the first's result, not its stale copy."""
    entry = _entry()
    stale = AuditEntry.objects.get(pk=entry.pk)
    with transaction.atomic():
        FLOW.fire(entry, "open", actor=None)
        FLOW.fire(entry, "close", actor=Staff())
    with pytest.raises(IllegalTransition), transaction.atomic():
        FLOW.fire(stale, "open", actor=None)


def test_who_may_fire_is_checked_and_derives_the_actions():
    entry = _entry("open")
    assert [a.code for a in FLOW.actions_for(entry, Staff())] == ["close", "name"]
    assert FLOW.action_codes(entry, AnonymousUser()) == ["name"]
    with pytest.raises(Forbidden), transaction.atomic():
        FLOW.fire(entry, "close", actor=AnonymousUser())
    entry.refresh_from_db()
    assert entry.action == "open"


def test_a_guard_refuses_and_nothing_changes():
    from parkos.core.errors import ValidationFailed

    entry = _entry("open", name="")
    with pytest.raises(ValidationFailed), transaction.atomic():
        FLOW.fire(entry, "name", actor=None)
    entry.refresh_from_db()
    assert entry.action == "open"


def test_an_action_declared_twice_is_refused():
    with pytest.raises(ValueError):
        Workflow(name="x", transitions=[Transition("a", ("s",), "t"), Transition("a", ("t",), "s")])
