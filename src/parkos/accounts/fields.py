"""A door between accounts and the apps above it."""

from django.db import models


class _IdAlias:
    """`membership.park` reads and sets the id held in `membership.park_id`."""

    def __init__(self, attname: str):
        self.attname = attname

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return getattr(instance, self.attname)

    def __set__(self, instance, value):
        setattr(instance, self.attname, getattr(value, "pk", value))


class ReferenceIdField(models.UUIDField):
    """The id of a row another app owns (a park, an enterprise), kept as a plain UUID as the
    audit log keeps its park: accounts sits below the park network and must not name its
    models. The value lives in `<name>_id`, in the same column a foreign key would use, so
    lookups written for a foreign key (`park_id=...`, `park__isnull=True`) keep working and
    the switch from a foreign key preserves the data. Giving a model instance stores its pk."""

    def get_attname(self) -> str:
        return f"{self.name}_id"

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, name, _IdAlias(self.attname))

    def get_prep_value(self, value):
        return super().get_prep_value(getattr(value, "pk", value))
