"""Every access decision of the cloud service supermarket, for the web and the API alike.

- The catalogue (live products of verified providers, categories, rankings, reviews) is
  visible to every signed-in user.
- A provider's staff see and change their own provider, its products in every state, and
  the orders placed with it; never another provider's enquiries or orders.
- An enterprise's members see their own orders, voucher applications, grants and balance;
  never another enterprise's. Its members enquire and order; its admins apply for vouchers.
- Operators review listings, verify providers, run programmes and approve claims (the
  catalogue and the programmes are the network's); reviewers see vouchers and orders (they
  decide voucher applications in the approvals engine). Staff of a park see the orders,
  complaints and voucher money of the enterprises of their parks (and branches) only; staff
  with a network-wide membership see every park's.
- An enterprise's members cancel its accepted subscriptions at the end of the period; the
  operator also cancels at once, with a refund, and resolves complaints (an upheld one on
  an accepted order refunds it). Providers do neither: a refund takes money they were paid.
Invisible objects are reported as absent (404), visible ones the actor may not change as
forbidden (403).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from parkos.accounts.models import ENTERPRISE_ROLES, Role
from parkos.accounts.selectors import user_enterprise_ids, user_has_role, user_organization_ids

OPERATOR_ROLES = (Role.OPERATOR_ADMIN,)
STAFF_READ_ROLES = (Role.OPERATOR_ADMIN, Role.REVIEWER)


def provider_ids(user) -> set[str]:
    from parkos.marketplace.models import Provider

    return user_organization_ids(user, Provider, Role.PROVIDER)


def enterprise_ids(user) -> set:
    return user_enterprise_ids(user, roles=ENTERPRISE_ROLES)


def is_operator(user) -> bool:
    return user_has_role(user, *OPERATOR_ROLES)


def is_staff_reader(user) -> bool:
    return user_has_role(user, *STAFF_READ_ROLES)


def require_operator(user) -> None:
    if not is_operator(user):
        raise PermissionDenied


def require_staff_reader(user) -> None:
    if not is_staff_reader(user):
        raise PermissionDenied


def is_provider_staff(user, provider_id) -> bool:
    return str(provider_id) in provider_ids(user)


def require_provider_staff(user, provider_id) -> None:
    if not is_provider_staff(user, provider_id):
        raise PermissionDenied


def can_open_dashboard(user) -> bool:
    """The provider dashboard shows one of the user's own providers."""
    return bool(provider_ids(user))


def can_review_listings(user) -> bool:
    return is_operator(user)


def can_apply_as_provider(user) -> bool:
    """Staff of a verified provider already sell here; anyone else may apply."""
    from parkos.marketplace.models import Provider, ProviderStatus

    own = provider_ids(user)
    return not (
        own and Provider.objects.filter(pk__in=own, status=ProviderStatus.VERIFIED).exists()
    )


def is_enterprise_member(user, enterprise_id, roles=ENTERPRISE_ROLES) -> bool:
    return enterprise_id in user_enterprise_ids(user, roles=roles)


def require_enterprise_member(user, enterprise_id) -> None:
    if not is_enterprise_member(user, enterprise_id):
        raise PermissionDenied


def require_enterprise_admin(user, enterprise_id) -> None:
    if not is_enterprise_member(user, enterprise_id, roles=(Role.ENTERPRISE_ADMIN,)):
        raise PermissionDenied


def can_buy(user) -> bool:
    return bool(enterprise_ids(user))


def product_visibility(user) -> Q:
    """Live products for all; a provider's staff also see their own drafts; operators all."""
    if is_operator(user):
        return Q()
    visible = Q(status="live", provider__status="verified")
    own = provider_ids(user)
    if own:
        visible |= Q(provider_id__in=own)
    return visible


def provider_visibility(user) -> Q:
    if is_operator(user):
        return Q()
    visible = Q(status="verified")
    own = provider_ids(user)
    if own:
        visible |= Q(id__in=own)
    return visible


def staff_enterprise_scope(user) -> Q | None:
    """For a staff reader, the enterprises of their parks (Q() for the whole network); None
    for anyone else."""
    if not is_staff_reader(user):
        return None
    from parkos.parks.selectors import staff_park_ids

    park_ids = staff_park_ids(actor=user)
    return Q() if park_ids is None else Q(enterprise__park_id__in=park_ids)


def order_visibility(user) -> Q:
    """Orders of the user's enterprises and providers, and staff readers' parks' orders."""
    own = Q(enterprise_id__in=enterprise_ids(user)) | Q(provider_id__in=provider_ids(user))
    return _with_staff(own, staff_enterprise_scope(user))


def _with_staff(own: Q, staff: Q | None) -> Q:
    # Q() combined with | is dropped, not "everything": the whole network is returned as is.
    if staff is None:
        return own
    return staff if not staff else own | staff


def enterprise_money_visibility(user) -> Q:
    """Voucher applications and grants: the enterprise's own, and its parks' staff readers."""
    return _with_staff(Q(enterprise_id__in=enterprise_ids(user)), staff_enterprise_scope(user))


def can_act_for_order(user, order) -> bool:
    """An operator acts on an order (resolves its complaint, cancels it at once) only in the
    parks they operate."""
    if not is_operator(user):
        return False
    from parkos.parks.selectors import managed_park_ids

    park_ids = managed_park_ids(actor=user)
    return park_ids is None or order.enterprise.park_id in park_ids


def claim_visibility(user) -> Q:
    if is_staff_reader(user):
        return Q()
    return Q(provider_id__in=provider_ids(user))


def can_cancel_subscription(user, order, *, immediately: bool) -> bool:
    """The enterprise's members cancel their subscription at the end of its period; only
    the operator cancels at once, because that refunds money the provider was paid."""
    if can_act_for_order(user, order):
        return True
    return not immediately and is_enterprise_member(user, order.enterprise_id)
