"""What each person may see of property management, as a queryset method per model
(core.scoping): selectors start from `Model.objects.visible_to(actor)`. The rules themselves
are stated once in permissions.py, as filters; these methods apply them to each model."""

from django.db.models import Q

from parkos.core.scoping import ScopedQuerySet


def _permissions():
    # permissions.py reads the models: imported when a queryset is first filtered.
    from parkos.property import permissions

    return permissions


def _company_scope(actor, path: str) -> Q | None:
    """Rows of the companies the actor works for or whose park they operate; None: all."""
    permissions = _permissions()
    parks = permissions.operator_park_ids(actor)
    if parks is None:
        return None
    return Q(**{f"{path}_id__in": permissions.company_ids(actor)}) | Q(
        **{f"{path}__park_id__in": parks}
    )


class _CompanyScoped(ScopedQuerySet):
    """A company's own rows: its staff and its park's operator see them."""

    company_path = "company"

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        scope = _company_scope(actor, self.company_path)
        return self if scope is None else self.filter(scope)


class PropertyCompanyQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(_permissions().company_visibility(actor))

    def planned_by(self, actor):
        """Companies whose patrol inspections the actor plans."""
        visible = _permissions().inspection_planner_filter(actor)
        return self.none() if visible is None else self.filter(visible)


class TechnicianQuerySet(_CompanyScoped):
    pass


class CompanyRowQuerySet(_CompanyScoped):
    """Teams, shifts (through their technician), SLA targets, dispatch models."""


class ShiftQuerySet(_CompanyScoped):
    company_path = "technician__company"


class TicketQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        return self.filter(_permissions().ticket_visibility(actor))


class TicketChildQuerySet(ScopedQuerySet):
    """A ticket's events, photos and category corrections: seen with the ticket."""

    def visible_to(self, actor):
        from parkos.property.models.tickets import Ticket

        return self.filter(ticket__in=Ticket.objects.visible_to(actor).values("pk"))


class InspectionTemplateQuerySet(ScopedQuerySet):
    company_path = "company"

    def visible_to(self, actor):
        from parkos.property.models.org import PropertyCompany

        planned = PropertyCompany.objects.planned_by(actor)
        return self.filter(**{f"{self.company_path}__in": planned})


class InspectionScheduleQuerySet(InspectionTemplateQuerySet):
    company_path = "template__company"


class InspectionRoundQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """The technician's own rounds, the company desk's, and the operator's parks'."""
        if self.anonymous(actor):
            return self.none()
        permissions = _permissions()
        parks = permissions.operator_park_ids(actor)
        if parks is None:
            return self
        desk = permissions.company_ids(actor, *permissions.DESK_ROLES)
        return self.filter(
            Q(technician__user=actor) | Q(company_id__in=desk) | Q(company__park_id__in=parks)
        )


class SpotCheckQuerySet(_CompanyScoped):
    pass


class FindingQuerySet(_CompanyScoped):
    company_path = "spot_check__company"


class SurveyQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """Operators see their parks' surveys, company staff their park's, and tenants the
        surveys sent to their zone (or to every zone)."""
        if self.anonymous(actor):
            return self.none()
        from parkos.accounts.selectors import user_enterprise_ids
        from parkos.property.models.org import PropertyCompany

        permissions = _permissions()
        parks = permissions.operator_park_ids(actor)
        if parks is None:
            return self
        staff = permissions.company_ids(actor)
        staff_parks = set(
            PropertyCompany.objects.filter(id__in=staff).values_list("park_id", flat=True)
        )
        tenant_zones = set()
        enterprises = user_enterprise_ids(actor)
        if enterprises:
            for company in _tenant_companies(enterprises):
                tenant_zones.add(company.zone_id)
                staff_parks.add(company.park_id)
        surveys = self.filter(park_id__in=parks | staff_parks)
        if tenant_zones and not parks and not staff:
            surveys = surveys.filter(Q(zones__isnull=True) | Q(zones__in=tenant_zones)).distinct()
        return surveys


def _tenant_companies(enterprise_ids):
    from parkos.property.selectors import enterprise_company

    for enterprise_id in enterprise_ids:
        company = enterprise_company(enterprise_id=enterprise_id)
        if company is not None:
            yield company


class SurveyResponseQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """The operator reads every answer of their parks; a company the answers about it."""
        if self.anonymous(actor):
            return self.none()
        scope = _company_scope(actor, "company")
        return self if scope is None else self.filter(scope)


class MonthlyScoreQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        visible = _permissions().score_company_filter(actor)
        return self.none() if visible is None else self.filter(visible)


class ParkRowQuerySet(ScopedQuerySet):
    """A park's weights and closed months: its operator and the staff of its companies."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.property.models.org import PropertyCompany

        permissions = _permissions()
        parks = permissions.operator_park_ids(actor)
        if parks is None:
            return self
        staff_parks = PropertyCompany.objects.filter(id__in=permissions.company_ids(actor)).values(
            "park_id"
        )
        return self.filter(Q(park_id__in=parks) | Q(park_id__in=staff_parks))


class TenantProfileQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """An enterprise's own profile; the consented ones to property staff, who see them on
        the tickets they handle (selectors.tenant_profile_for narrows to the ticket)."""
        if self.anonymous(actor):
            return self.none()
        from parkos.accounts.selectors import user_enterprise_ids

        permissions = _permissions()
        visible = Q(enterprise_id__in=user_enterprise_ids(actor))
        if permissions.company_ids(actor) or permissions.operator_park_ids(actor) is None:
            visible |= Q(consent=True)
        return self.filter(visible)
