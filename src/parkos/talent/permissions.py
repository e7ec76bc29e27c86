"""Every access decision of the talent app, for the web and the API alike.

- Published positions whose closing date has not passed, approved booths and published fairs are
  public: anyone may read them. An enterprise's HR (its admins and members) sees all of its own
  positions, booths, slots and the applications made to it; operators see those of their parks.
- A candidate sees their own profile, applications, consents and interviews. An enterprise sees a
  candidate's profile only while the candidate's consent to share with it stands (PIPL); in
  recommendations a discoverable candidate shows with a masked name and no contact details.
- Enterprise admins post, publish, close and staff positions, and run the pipeline; members run the
  pipeline too. Operators review positions (when their park requires it), create fairs and approve
  booths; they see the live board and the aggregated surveys.
- Talent one thing: the applicant sees their own form and sub-cases; reviewers and operators see
  all of them (the subsidy check runs across every park). Reviewers decide through the approvals
  engine. The ledger's records are public by number and hash only (verification); its list is for
  reviewers and operators.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from parkos.accounts.models import ENTERPRISE_ROLES, Role
from parkos.accounts.selectors import user_enterprise_ids, user_has_role, user_park_ids

OPERATOR_ROLES = (Role.OPERATOR_ADMIN,)
REVIEW_ROLES = (Role.REVIEWER, Role.OPERATOR_ADMIN)


def is_operator(user) -> bool:
    return user_has_role(user, *OPERATOR_ROLES)


def is_reviewer(user) -> bool:
    return user_has_role(user, *REVIEW_ROLES)


def hr_enterprise_ids(user, *, admin_only: bool = False) -> set:
    roles = (Role.ENTERPRISE_ADMIN,) if admin_only else ENTERPRISE_ROLES
    return user_enterprise_ids(user, roles=roles)


def _park_q(user, prefix: str) -> Q | None:
    """Q on `<prefix>park` for the parks the user operates (with their branches); None: all."""
    if not is_operator(user):
        return Q(pk__in=[])
    ids = user_park_ids(user, *OPERATOR_ROLES)
    if ids is None:
        return None
    return Q(**{f"{prefix}park_id__in": ids}) | Q(**{f"{prefix}park__parent_id__in": ids})


def _or_all(q: Q | None, *others: Q) -> Q:
    if q is None:
        return Q()
    for other in others:
        q |= other
    return q


def position_visibility(user) -> Q:
    public = Q(status="published", closes_on__gte=timezone.localdate())
    return _or_all(_park_q(user, ""), public, Q(enterprise_id__in=hr_enterprise_ids(user)))


def candidate_visibility(user) -> Q:
    own = Q(user_id=user.pk)
    consented = Q(
        consents__enterprise_id__in=hr_enterprise_ids(user), consents__withdrawn_at__isnull=True
    )
    return own | consented


def consent_visibility(user) -> Q:
    return Q(candidate__user_id=user.pk) | Q(enterprise_id__in=hr_enterprise_ids(user))


def fair_visibility(user) -> Q:
    return _or_all(_park_q(user, ""), Q(published=True))


def booth_visibility(user) -> Q:
    return _or_all(
        _park_q(user, "fair__"),
        Q(status="approved", fair__published=True),
        Q(enterprise_id__in=hr_enterprise_ids(user)),
    )


def slot_visibility(user) -> Q:
    return Q(enterprise_id__in=hr_enterprise_ids(user)) | Q(
        interviews__application__candidate__user_id=user.pk
    )


def application_visibility(user) -> Q:
    return _or_all(
        _park_q(user, "position__"),
        Q(candidate__user_id=user.pk),
        Q(enterprise_id__in=hr_enterprise_ids(user)),
    )


def survey_visibility(user) -> Q:
    return _or_all(_park_q(user, "fair__"), Q(respondent_id=user.pk))


def demand_visibility(user) -> Q:
    return _or_all(_park_q(user, ""), Q(enterprise_id__in=hr_enterprise_ids(user)))


def onething_visibility(user) -> Q:
    if is_reviewer(user):
        return Q()
    return Q(applicant_id=user.pk)


# Checks used by services and the workflow tables


def is_hr_of(user, enterprise_id, *, admin_only: bool = False) -> bool:
    return enterprise_id in hr_enterprise_ids(user, admin_only=admin_only)


def is_operator_of(user, park) -> bool:
    if not is_operator(user):
        return False
    ids = user_park_ids(user, *OPERATOR_ROLES)
    return ids is None or park.id in ids or (park.parent_id is not None and park.parent_id in ids)


def can_post_for(user, position) -> bool:
    return is_hr_of(user, position.enterprise_id, admin_only=True)


def can_review_position(user, position) -> bool:
    return is_operator_of(user, position.park)


def can_work_pipeline(user, application) -> bool:
    return is_hr_of(user, application.enterprise_id)


def is_candidate_of(user, application) -> bool:
    return getattr(user, "is_authenticated", False) and (application.candidate.user_id == user.pk)


def can_decide_booth(user, booth) -> bool:
    return is_operator_of(user, booth.fair.park)


def can_withdraw_booth(user, booth) -> bool:
    return is_hr_of(user, booth.enterprise_id, admin_only=True)


def require_hr(user, enterprise_id, *, admin_only: bool = False) -> None:
    if not is_hr_of(user, enterprise_id, admin_only=admin_only):
        raise PermissionDenied


def require_operator_of(user, park) -> None:
    if not is_operator_of(user, park):
        raise PermissionDenied


def require_reviewer(user) -> None:
    if not is_reviewer(user):
        raise PermissionDenied


def require_signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
