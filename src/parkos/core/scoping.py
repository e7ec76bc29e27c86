"""Scoping as a gate. Every model that holds tenant data gets a queryset whose
`visible_to(actor)` returns only the rows the actor may see; selectors start from it, and views
and API modules never build querysets themselves (a test walks their syntax trees). A model
whose queryset forgets to say what is visible fails loudly instead of showing everything."""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "ScopedQuerySet":
        raise NotImplementedError(f"{self.model.__name__} does not say what an actor may see")

    def actionable_by(self, actor, action: str) -> "ScopedQuerySet":
        """Rows the actor may act on with `action`; by default, the rows they see. An app
        narrows it where seeing and acting differ (an IOC operator reads a ticket, the
        dispatcher acts on it)."""
        return self.visible_to(actor)

    @staticmethod
    def anonymous(actor) -> bool:
        return actor is None or not getattr(actor, "is_authenticated", False)
