"""Every access decision of technology transfer, for the web and the API alike.

- Published achievements are public (anonymous visitors included); drafts, submissions and
  returned ones are seen by their institution's people and by staff (operators and brokers).
- Demands are seen by signed-in users when public; a confidential demand is seen by its own
  enterprise and by staff only: never by an institution, on a page, in the API or through a
  match, a deal or a notification.
- Company calls are seen by every signed-in user; a proposal by its institution, the calling
  enterprise and staff.
- Matches and deals are seen by staff, the demand's enterprise, and the achievement's
  institution unless the demand is confidential. Contracts by staff and their two parties.
- Operators review achievements; brokers take matches up as deals and move them. Both are
  staff of their parks (with the branches): they see the demands, matches, deals, calls and
  contracts of those parks' enterprises; a network-wide membership sees the whole network.
  Achievements are the network's: staff see them all. An institution's people post
  achievements and proposals; an enterprise's people post demands and calls and pick proposals.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from parkos.accounts.models import ENTERPRISE_ROLES, Role
from parkos.accounts.selectors import (
    user_enterprise_ids,
    user_has_role,
    user_organization_ids,
    user_park_ids,
)

OPERATOR_ROLES = (Role.OPERATOR_ADMIN,)
STAFF_ROLES = (Role.OPERATOR_ADMIN, Role.BROKER)


def _institution_model():
    from parkos.techtransfer.models import Institution

    return Institution


def institution_ids(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_organization_ids(user, _institution_model(), Role.INSTITUTION)


def enterprise_ids(user) -> set:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_enterprise_ids(user, roles=ENTERPRISE_ROLES)


def is_operator(user) -> bool:
    return getattr(user, "is_authenticated", False) and user_has_role(user, *OPERATOR_ROLES)


def is_broker(user) -> bool:
    return getattr(user, "is_authenticated", False) and user_has_role(user, Role.BROKER)


def is_staff(user) -> bool:
    return getattr(user, "is_authenticated", False) and user_has_role(user, *STAFF_ROLES)


def is_institution_member(user) -> bool:
    return bool(institution_ids(user))


def is_enterprise_member(user) -> bool:
    return bool(enterprise_ids(user))


def can_view(user) -> bool:
    """The section's pages: everyone signed in (published achievements are public)."""
    return getattr(user, "is_authenticated", False)


def staff_parks(user, enterprise_path: str) -> Q | None:
    """The staff's reach as a filter on the enterprise at `enterprise_path` (its park or that
    park's parent); None when the user is no staff; every row when network-wide."""
    if not is_staff(user):
        return None
    park_ids = user_park_ids(user, *STAFF_ROLES)
    if park_ids is None:
        # Not Q(): an empty Q vanishes when OR-ed with another, which would narrow, not widen.
        return Q(pk__isnull=False)
    return Q(**{f"{enterprise_path}__park_id__in": park_ids}) | Q(
        **{f"{enterprise_path}__park__parent_id__in": park_ids}
    )


# ------------------------------------------------------------------ visibility (Q filters)


def achievement_visibility(user) -> Q:
    if is_staff(user):
        return Q()
    return Q(status="published") | Q(institution_id__in=institution_ids(user))


def demand_visibility(user) -> Q:
    visible = Q(confidential=False) | Q(enterprise_id__in=enterprise_ids(user))
    staff = staff_parks(user, "enterprise")
    return visible if staff is None else visible | staff


def call_visibility(user) -> Q:
    return Q()


def proposal_visibility(user) -> Q:
    visible = Q(institution_id__in=institution_ids(user)) | Q(
        call__enterprise_id__in=enterprise_ids(user)
    )
    staff = staff_parks(user, "call__enterprise")
    return visible if staff is None else visible | staff


def match_visibility(user, prefix: str = "") -> Q:
    staff = staff_parks(user, f"{prefix}demand__enterprise")
    if staff is not None:
        return staff | Q(**{f"{prefix}demand__enterprise_id__in": enterprise_ids(user)})
    return Q(**{f"{prefix}demand__enterprise_id__in": enterprise_ids(user)}) | Q(
        **{
            f"{prefix}achievement__institution_id__in": institution_ids(user),
            f"{prefix}demand__confidential": False,
        }
    )


def deal_visibility(user) -> Q:
    return match_visibility(user, prefix="match__")


def contract_visibility(user) -> Q:
    visible = Q(buyer_id__in=enterprise_ids(user)) | Q(seller_id__in=institution_ids(user))
    staff = staff_parks(user, "buyer")
    return visible if staff is None else visible | staff


# ------------------------------------------------------------------ object rules (workflow `allowed`)


def is_member_of_institution(user, obj) -> bool:
    institution_id = getattr(obj, "institution_id", None)
    return str(institution_id) in institution_ids(user)


def may_edit_achievement(user, achievement) -> bool:
    return is_operator(user) or is_member_of_institution(user, achievement)


def may_review(user, _obj=None) -> bool:
    return is_operator(user)


def is_demand_owner(user, demand) -> bool:
    return demand.enterprise_id in enterprise_ids(user)


def is_call_owner(user, call) -> bool:
    return call.enterprise_id in enterprise_ids(user)


def is_proposal_owner_or_caller(user, proposal) -> bool:
    return is_call_owner(user, proposal.call)


def may_move_deal(user, deal) -> bool:
    return is_operator(user) or (is_broker(user) and deal.broker_id == user.pk)


def side_of(user, match) -> str | None:
    """'enterprise' or 'institution' (the side the user speaks for on this match), or None."""
    if is_demand_owner(user, match.demand):
        return "enterprise"
    if is_member_of_institution(user, match.achievement) and not match.demand.confidential:
        return "institution"
    return None


# ------------------------------------------------------------------ require_* checks


def require_staff(user) -> None:
    if not is_staff(user):
        raise PermissionDenied


def require_operator(user) -> None:
    if not is_operator(user):
        raise PermissionDenied


def require_broker(user) -> None:
    if not (is_broker(user) or is_operator(user)):
        raise PermissionDenied


def require_institution_member(user, institution_id=None) -> None:
    ids = institution_ids(user)
    if not ids or (institution_id is not None and str(institution_id) not in ids):
        raise PermissionDenied


def require_enterprise_member(user, enterprise_id=None) -> None:
    ids = enterprise_ids(user)
    if not ids or (enterprise_id is not None and enterprise_id not in ids):
        raise PermissionDenied
