"""Accounts sits below the park network: its models name no model of an app above it."""

import pytest

from factories import EnterpriseFactory, ParkFactory, UserFactory
from parkos.accounts.models import Membership, Role, User
from parkos.accounts.selectors import user_enterprise_ids, user_park_ids, users_with_role
from parkos.accounts.services import membership_grant

BELOW_ACCOUNTS = {"accounts", "auth", "contenttypes", "core"}


def test_accounts_models_relate_to_nothing_above_accounts():
    for model in (User, Membership):
        for field in model._meta.get_fields():
            # Reverse relations (a ticket's reporter) point down at accounts: those are fine.
            if field.is_relation and not field.auto_created and field.related_model is not None:
                assert field.related_model._meta.app_label in BELOW_ACCOUNTS, (
                    f"{model.__name__}.{field.name} points at {field.related_model._meta.label}"
                )


@pytest.mark.django_db
def test_memberships_keep_park_and_enterprise_ids_and_answer_the_same_lookups():
    park = ParkFactory()
    enterprise = EnterpriseFactory(park=park)
    operator, tenant, network_wide = UserFactory(), UserFactory(), UserFactory()
    membership_grant(user=operator, role=Role.OPERATOR_ADMIN, park=park)
    membership = membership_grant(user=tenant, role=Role.ENTERPRISE_ADMIN, enterprise=enterprise)
    membership_grant(user=network_wide, role=Role.OPERATOR_ADMIN)
    # Granting again, by row or by id, finds the same membership.
    assert (
        membership_grant(user=tenant, role=Role.ENTERPRISE_ADMIN, enterprise=enterprise.id)
        == membership
    )
    assert (membership.enterprise_id, membership.enterprise) == (enterprise.id, enterprise.id)
    assert user_park_ids(operator, Role.OPERATOR_ADMIN) == {park.id}
    assert user_park_ids(network_wide, Role.OPERATOR_ADMIN) is None
    assert user_enterprise_ids(tenant) == {enterprise.id}
    assert set(users_with_role(Role.OPERATOR_ADMIN, park_id=park.id)) == {operator, network_wide}
    assert Membership.objects.filter(park__isnull=True, enterprise=enterprise).count() == 1
    assert Membership.objects.filter(park_id=park.id).get().user == operator
