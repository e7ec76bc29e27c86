"""Life cycles, declared once. Orders, tickets, approval cases, alarms, filing rounds and every
new app state their life as a `Workflow`: the transitions (action, from which states, to which
state), who may fire each, and the guard that checks the object. Firing locks the row, checks the
table, the actor and the guard, saves with `update_fields`, writes the app's event row and
returns; the pages and the API ask the same table which actions an actor may take now, so no
template or endpoint decides buttons on its own.

Why not python-statemachine: its machines wrap one object in memory, while a ParkOS transition is
a database operation (row lock, re-read state, event row in the same transaction), and its
guards cannot see the acting user. The table below is the whole mechanism, small enough to read.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from parkos.core.errors import Conflict, Forbidden

ILLEGAL_TRANSITION = "illegal_transition"


class IllegalTransition(Conflict):
    """The object's state does not allow the action: one code for every life cycle."""

    default_code = ILLEGAL_TRANSITION

    def __init__(self, *, state_label: Any, action_label: Any, state: str, action: str):
        message = _("It is “%(state)s” now, so “%(action)s” is not possible.") % {
            "state": state_label,
            "action": action_label,
        }
        super().__init__(message, fields={"action": [message]})
        self.state = state
        self.action = action


@dataclass(frozen=True)
class Transition:
    """One arrow of a life cycle. `sources` may hold "" for an object not yet saved (created by
    its first transition). `allowed(actor, obj)` says whether this actor may fire it; `guard(obj)`
    raises a ServiceError when the object itself is not ready (a missing field, a deadline)."""

    action: str
    sources: Sequence[str]
    target: str
    label: str | Promise = ""
    allowed: Callable[[Any, Any], bool] | None = None
    stamp: str | None = None
    guard: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class Action:
    """An action an actor may take now, as pages and the API show it."""

    code: str
    label: str | Promise

    def __str__(self) -> str:
        return str(self.label)


def after_commit(fn: Callable[[], None]) -> None:
    """A side effect (notification, live event, task) that happens only if the change commits."""
    transaction.on_commit(fn)


def _actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


EventWriter = Callable[..., Any]


@dataclass
class Workflow:
    name: str
    transitions: Iterable[Transition]
    state_field: str = "status"
    event: EventWriter | None = None
    _by_action: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self):
        self._by_action = {}
        for transition in self.transitions:
            if transition.action in self._by_action:
                raise ValueError(f"{self.name}: action {transition.action!r} declared twice")
            self._by_action[transition.action] = transition
        self.transitions = tuple(self._by_action.values())

    # The table

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise ValueError(f"{self.name}: no action {action!r}") from None

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self._by_action)

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field) or ""

    def sources(self, action: str) -> frozenset[str]:
        return frozenset(self.transition(action).sources)

    def target(self, action: str) -> str:
        return self.transition(action).target

    def allows(self, obj, action: str) -> bool:
        """The table (not the actor) permits `action` from the object's state."""
        return self.state_of(obj) in self.transition(action).sources

    def label(self, action: str) -> str:
        return str(self.transition(action).label or action)

    def state_label(self, obj) -> str:
        display = getattr(obj, f"get_{self.state_field}_display", None)
        return str(display()) if display and self.state_of(obj) else "-"

    def check(self, obj, action: str) -> Transition:
        """Raise `IllegalTransition` if the table refuses the action from the object's state."""
        transition = self.transition(action)
        if self.state_of(obj) not in transition.sources:
            raise IllegalTransition(
                state_label=self.state_label(obj),
                action_label=self.label(action),
                state=self.state_of(obj),
                action=action,
            )
        return transition

    def may(self, obj, action: str, actor) -> bool:
        """The actor may fire `action` now: the table allows it and so does its rule."""
        transition = self._by_action.get(action)
        if transition is None or self.state_of(obj) not in transition.sources:
            return False
        return transition.allowed is None or bool(transition.allowed(actor, obj))

    def actions_for(self, obj, actor) -> list[Action]:
        return [
            Action(t.action, t.label or t.action)
            for t in self.transitions
            if self.may(obj, t.action, actor)
        ]

    def action_codes(self, obj, actor) -> list[str]:
        return [action.code for action in self.actions_for(obj, actor)]

    # Firing

    def fire(
        self,
        obj,
        action: str,
        *,
        actor,
        update_fields: Iterable[str] = (),
        note: str = "",
        data: dict | None = None,
        at=None,
        check: bool = True,
        lock: bool = True,
    ):
        """Move `obj` by `action` and return it. Must run inside a transaction.

        With `lock` (the default) a saved object's row is locked and read again first, so the
        state checked is the committed one; changes the caller made to `obj` are not carried
        over. A service that changes other fields in the same step locks first
        (`obj = wf.lock_for(obj)`), sets them, and fires with `lock=False` and `update_fields`."""
        transition = self.transition(action)
        at = at or timezone.now()
        if lock and obj.pk is not None and not obj._state.adding:
            obj = self.lock_for(obj)
        self.check(obj, action)
        if check and transition.allowed is not None and not transition.allowed(actor, obj):
            raise Forbidden(_("You may not do this: %(action)s.") % {"action": self.label(action)})
        if transition.guard is not None:
            transition.guard(obj)
        before = self.state_of(obj)
        setattr(obj, self.state_field, transition.target)
        fields = [self.state_field, *update_fields]
        if transition.stamp:
            setattr(obj, transition.stamp, at)
            fields.append(transition.stamp)
        if obj._state.adding:
            obj.save()
        else:
            obj.save(update_fields=list(dict.fromkeys(fields)))
        if self.event is not None:
            self.event(
                obj,
                action=action,
                actor=_actor_or_none(actor),
                before=before,
                after=transition.target,
                note=note,
                data=data or {},
                at=at,
            )
        return obj

    @staticmethod
    def lock_for(obj):
        """The object's row, locked for this transaction and read again, so two people acting at
        once are served one after the other and the second sees the first's result."""
        model: type[models.Model] = type(obj)
        return model._base_manager.select_for_update(of=("self",)).get(pk=obj.pk)
