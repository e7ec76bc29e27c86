"""Who may see and act on a case, decided here for the web, the API and the services alike.

- The applicant side: the user who opened the case and the admins of its enterprise. They
  submit, resubmit after a return, and withdraw; members of the enterprise may read it.
- Reviewers: holders of a step's role within the step's scope. `park` and `applicant_zone`
  mean the case's park (a membership in a flagship covers its branches) or the whole network;
  `network` means a network-wide membership. Another app may register a finer resolver for a
  scope (the property app knows who manages which zone).
- Park operators read every case of their parks. Everyone else is told a case does not exist.
"""

from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet

from parkos.accounts.models import ENTERPRISE_ROLES, Role
from parkos.accounts.selectors import (
    user_enterprise_ids,
    user_has_role,
    user_park_ids,
    user_roles,
    users_with_role,
)
from parkos.approvals.models import Case, Scope, Step
from parkos.approvals.registry import scope_resolver
from parkos.parks.selectors import park_list

NOTHING = Q(pk__in=[])
BUILT_IN_SCOPES = tuple(Scope.values)


def _with_branches(park_ids: set[UUID]) -> set[UUID]:
    if not park_ids:
        return set()
    branches = park_list(actor=None).filter(parent_id__in=park_ids).values_list("id", flat=True)
    return set(park_ids) | set(branches)


def _held_roles(user) -> list[str]:
    if getattr(user, "is_superuser", False):
        return list(Role.values)
    return sorted(user_roles(user))


def _built_in_cases(user, role: str, scope: str) -> Q:
    ids = user_park_ids(user, role)
    if ids is None:
        return Q()
    if scope == Scope.NETWORK:
        return NOTHING
    return Q(park_id__in=_with_branches(ids)) if ids else NOTHING


def reviewing(user) -> Q:
    """The cases whose current step `user` may decide, as a filter on Case."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    everywhere: list[str] = []
    allowed = NOTHING
    for role in _held_roles(user):
        scoped = {}
        for scope in BUILT_IN_SCOPES:
            resolver = scope_resolver(scope)
            scoped[scope] = (
                resolver.cases(user, role) if resolver else _built_in_cases(user, role, scope)
            )
        if all(within == Q() for within in scoped.values()):
            # A network-wide reviewer: one condition instead of one per scope keeps the
            # inbox query simple for the planner.
            everywhere.append(role)
            continue
        for scope, within in scoped.items():
            if within != NOTHING:
                allowed |= Q(current_step__role=role, current_step__scope=scope) & within
    if everywhere:
        allowed |= Q(current_step__role__in=everywhere)
    return Q(status="submitted") & allowed


def _reviewer_of_process(user) -> Q:
    """Cases of processes in which `user` reviews some step for the case's park."""
    allowed = NOTHING
    for role in _held_roles(user):
        if role in ENTERPRISE_ROLES:
            continue
        ids = user_park_ids(user, role)
        has_step = Exists(Step.objects.filter(process_id=OuterRef("process_id"), role=role))
        park_filter = Q() if ids is None else Q(park_id__in=_with_branches(ids))
        allowed |= Q(has_step) & park_filter
    return allowed


def applicant_side(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    admin_of = user_enterprise_ids(user, roles=(Role.ENTERPRISE_ADMIN,))
    return Q(applicant_id=user.pk) | Q(enterprise_id__in=admin_of)


def visibility(user) -> Q:
    """The cases `user` may read, as a filter on Case."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if getattr(user, "is_superuser", False):
        return Q()
    visible = applicant_side(user) | Q(enterprise_id__in=user_enterprise_ids(user))
    operator_parks = user_park_ids(user, Role.OPERATOR_ADMIN)
    if operator_parks is None:
        return Q()
    if operator_parks:
        visible |= Q(park_id__in=_with_branches(operator_parks))
    return visible | _reviewer_of_process(user)


def can_review(user, case: Case) -> bool:
    return Case.objects.filter(pk=case.pk).filter(reviewing(user)).exists()


def reviews_anything(user) -> bool:
    """Whether `user` holds a role that some step of a process is reviewed by: the right to
    use the reviewer's tools (batch approval) at all, whatever waits in their inbox today."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Step.objects.filter(role__in=_held_roles(user)).exists()


def is_applicant_side(user, case: Case) -> bool:
    return Case.objects.filter(pk=case.pk).filter(applicant_side(user)).exists()


def can_open_for(user, enterprise) -> bool:
    """Only an admin of the enterprise applies in its name."""
    if getattr(user, "is_superuser", False):
        return True
    return enterprise.pk in user_enterprise_ids(user, roles=(Role.ENTERPRISE_ADMIN,))


def can_configure(user) -> bool:
    return (
        user_has_role(user, Role.OPERATOR_ADMIN)
        and user_park_ids(user, Role.OPERATOR_ADMIN) is None
    )


def step_reviewers(case: Case, step: Step) -> QuerySet:
    """The users who review `step` of `case`: who is notified, and who must sign an
    'all of' step."""
    resolver = scope_resolver(step.scope)
    if resolver is not None:
        return resolver.reviewers(case, step.role)
    network_wide = Q(memberships__role=step.role, memberships__park__isnull=True) & Q(
        memberships__enterprise__isnull=True
    )
    reviewers = users_with_role(step.role)
    if step.scope == Scope.NETWORK or case.park_id is None:
        return reviewers.filter(network_wide)
    parks = [case.park_id]
    parent_id = park_list(actor=None).filter(pk=case.park_id).values_list("parent_id", flat=True)
    parks += [pid for pid in parent_id if pid]
    return reviewers.filter(
        network_wide | Q(memberships__role=step.role, memberships__park_id__in=parks)
    ).distinct()
