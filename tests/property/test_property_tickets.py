"""Raising, routing and working a ticket through the services, as the people involved do."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.property import selectors, services
from parkos.property.models import CategoryCorrection, Ticket, TicketEvent
from property.factories import alarm_ticket

pytestmark = pytest.mark.django_db


def _raise(place, **kwargs):
    values = {
        "actor": place.tenant,
        "unit": place.unit,
        "description": "会议室空调不制冷，温度一直30度",
    }
    values.update(kwargs)
    return services.ticket_create(**values)


def test_tenant_ticket_is_classified_and_assigned_with_reasons(place, trained):
    ticket = _raise(place)
    assert ticket.category == "hvac"
    assert ticket.confidence >= 0.6
    assert ticket.status == "dispatched"
    assert ticket.assignee == place.hvac_near
    reasons = "; ".join(ticket.assignment_reason_texts)
    assert "on shift until" in reasons or "值班" in reasons
    assert any("0" in r for r in ticket.assignment_reason_texts)
    assert ticket.enterprise == place.enterprise
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == ["created", "classified", "dispatch"]


def test_the_least_loaded_technician_on_shift_gets_the_work(place):
    first = _raise(place, category="hvac")
    second = _raise(place, category="hvac", description="空调漏水")
    assert first.assignee == place.hvac_near
    assert second.assignee == place.hvac_far
    assert place.hvac_off not in (first.assignee, second.assignee)


def test_without_a_model_the_ticket_waits_for_the_dispatcher(place):
    ticket = _raise(place)
    assert ticket.status == "new"
    assert ticket.awaiting_dispatcher
    queue = selectors.ticket_list(actor=place.dispatcher, awaiting=True)
    assert ticket in queue


def test_low_confidence_waits_with_three_suggestions_and_correction_is_kept(place, trained):
    place.company.auto_dispatch_threshold = 0.99
    place.company.save()
    ticket = _raise(place, description="有点问题请来看看")
    assert ticket.status == "new" and ticket.awaiting_dispatcher
    assert len(ticket.suggestions) == 3
    corrected = "cleaning" if ticket.predicted_category != "cleaning" else "hvac"
    ticket = services.ticket_dispatch(actor=place.dispatcher, ticket=ticket, category=corrected)
    assert ticket.category == corrected and ticket.status == "dispatched"
    correction = CategoryCorrection.objects.get(ticket=ticket)
    assert correction.corrected == corrected and correction.predicted == ticket.predicted_category


def test_dispatcher_override_is_logged_and_audited(place):
    from parkos.core.models import AuditEntry

    ticket = _raise(place, category="hvac")
    ticket = services.ticket_dispatch(
        actor=place.dispatcher, ticket=ticket, technician=place.hvac_off
    )
    assert ticket.assignee == place.hvac_off
    assert ticket.assignment_reasons[0] == {"code": "dispatcher"}
    assert ticket.assignment_reason_texts[0] in ("chosen by the dispatcher", "调度员指定")
    assert TicketEvent.objects.filter(ticket=ticket, kind="override").exists()
    assert AuditEntry.objects.filter(
        action="property.dispatch_override", object_id=str(ticket.id)
    ).exists()


def test_full_life_with_photo_and_rating(place, png_bytes):
    ticket = _raise(place, category="hvac")
    tech = ticket.assignee.user
    services.ticket_accept(actor=tech, ticket=ticket)
    services.ticket_arrive(actor=tech, ticket=ticket)
    photo = SimpleUploadedFile("fixed.png", png_bytes, content_type="image/png")
    services.ticket_resolve(actor=tech, ticket=ticket, note="更换压缩机电容", photos=[photo])
    ticket = services.ticket_confirm(actor=place.tenant, ticket=ticket, rating=5, comment="很快")
    assert ticket.status == "confirmed" and ticket.rating == 5
    assert ticket.photos.filter(stage="resolution").count() == 1
    events = list(ticket.events.values_list("kind", "to_status"))
    assert events[-4:] == [
        ("accept", "accepted"),
        ("arrive", "on_site"),
        ("resolve", "resolved"),
        ("confirm", "confirmed"),
    ]
    assert all(e.at for e in ticket.events.all())


def test_reopen_goes_back_to_the_same_technician(place):
    ticket = _raise(place, category="hvac")
    tech = ticket.assignee
    for step in (services.ticket_accept, services.ticket_arrive, services.ticket_resolve):
        step(actor=tech.user, ticket=ticket)
    ticket = services.ticket_reopen(actor=place.tenant, ticket=ticket, reason="还是不冷")
    assert ticket.status == "dispatched" and ticket.assignee == tech and ticket.reopen_count == 1


def test_bad_input_changes_nothing(place, png_bytes):
    before = Ticket.objects.count()
    with pytest.raises(ValidationFailed) as other_unit:
        _raise(place, unit=place.other_unit)
    assert "unit" in other_unit.value.fields
    with pytest.raises(ValidationFailed) as empty:
        _raise(place, description="   ")
    assert "description" in empty.value.fields
    with pytest.raises(ValidationFailed) as huge:
        _raise(place, description="坏" * 100_000)
    assert "description" in huge.value.fields
    not_image = SimpleUploadedFile("x.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(ValidationFailed) as photo:
        _raise(place, photos=[not_image])
    assert "photos" in photo.value.fields
    assert Ticket.objects.count() == before


def test_accepting_someone_elses_ticket_is_refused(place):
    ticket = _raise(place, category="hvac")
    with pytest.raises(Forbidden):
        services.ticket_accept(actor=place.hvac_far.user, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == "dispatched"


def test_rating_twice_is_refused(place):
    ticket = _raise(place, category="hvac")
    tech = ticket.assignee.user
    for step in (services.ticket_accept, services.ticket_arrive, services.ticket_resolve):
        step(actor=tech, ticket=ticket)
    services.ticket_confirm(actor=place.tenant, ticket=ticket, rating=4)
    with pytest.raises(Conflict):
        services.ticket_confirm(actor=place.tenant, ticket=ticket, rating=1)
    ticket.refresh_from_db()
    assert ticket.rating == 4


def test_rating_out_of_range_is_a_field_error(place):
    ticket = _raise(place, category="hvac")
    with pytest.raises(ValidationFailed) as bad:
        services.ticket_confirm(actor=place.tenant, ticket=ticket, rating=9)
    assert "rating" in bad.value.fields


def test_tenant_sees_only_its_own_enterprise_tickets(place):
    mine = _raise(place, category="hvac")
    theirs = services.ticket_create(
        actor=place.other_tenant, unit=place.other_unit, description="马桶堵塞", category="plumbing"
    )
    assert list(selectors.ticket_list(actor=place.tenant)) == [mine]
    assert set(selectors.ticket_list(actor=place.dispatcher)) == {mine, theirs}
    assert list(selectors.ticket_list(actor=place.other_dispatcher)) == []
    assert list(selectors.ticket_list(actor=place.hvac_near.user)) == [mine]


def test_service_desk_raises_a_ticket_for_a_phone_call(place):
    ticket = services.ticket_create(
        actor=place.dispatcher,
        unit=place.unit,
        enterprise=place.enterprise,
        description="电话报修：马桶堵塞",
        category="plumbing",
        source="phone",
    )
    assert ticket.source == "phone" and ticket.raised_by == place.dispatcher
    with pytest.raises(ValidationFailed):
        services.ticket_create(
            actor=place.dispatcher,
            unit=place.unit,
            enterprise=place.other_enterprise,
            description="错误的企业",
            category="plumbing",
            source="phone",
        )


def test_alarm_door_is_idempotent_while_open(place):
    first = services.ticket_open_for_alarm(
        park=place.park,
        building=place.building,
        category="hvac",
        priority="urgent",
        title="机房温度过高",
        description="机房温度 35℃ 超过阈值",
        source="alarm",
        source_ref="alarm-1",
    )
    again = services.ticket_open_for_alarm(
        park=place.park,
        building=place.building,
        category="hvac",
        priority="urgent",
        title="机房温度过高",
        description="机房温度 36℃",
        source="alarm",
        source_ref="alarm-1",
    )
    assert first.pk == again.pk
    assert first.status == "dispatched" and first.assignee is not None
    summary = selectors.ticket_summary(ticket_id=first.id)
    assert summary["number"] == first.number and summary["status"] == "dispatched"
    assert set(summary) == {"id", "number", "status", "status_label", "assignee", "url"}
    assert selectors.ticket_summary(ticket_id="00000000-0000-0000-0000-000000000000") is None
    services.ticket_cancel(actor=place.dispatcher, ticket=first, reason="误报")
    third = services.ticket_open_for_alarm(
        park=place.park,
        building=place.building,
        category="hvac",
        priority="urgent",
        title="机房温度过高",
        description="again",
        source="alarm",
        source_ref="alarm-1",
    )
    assert third.pk != first.pk


def test_sla_breach_escalates_once_and_notifies(
    place, mailoutbox, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    place.dispatcher.email = "desk@example.com"
    place.dispatcher.save()
    ticket = _raise(place, category="hvac")
    later = timezone.now() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_check(now=later) == 2
    assert services.sla_check(now=later) == 0
    ticket.refresh_from_db()
    assert ticket.response_escalated_at and ticket.resolution_escalated_at
    assert TicketEvent.objects.filter(ticket=ticket, kind="escalated").count() == 2
    assert any("desk@example.com" in m.to for m in mailoutbox)


def test_working_hours_deadlines_skip_nights_and_weekends(place):
    from datetime import datetime

    from django.utils import timezone

    from parkos.property import sla

    friday_evening = timezone.make_aware(datetime(2025, 3, 7, 17, 0))
    response, _resolution = sla.deadlines(
        place.company, priority="normal", category="hvac", start=friday_evening
    )
    assert response.weekday() == 0  # Monday
    urgent, _ = sla.deadlines(
        place.company, priority="urgent", category="hvac", start=friday_evening
    )
    assert (urgent - friday_evening).total_seconds() == 15 * 60


def test_a_system_ticket_with_an_unknown_source_is_refused(place):
    with pytest.raises(ValidationFailed) as bad:
        services.ticket_open_for_alarm(
            park=place.park,
            category="hvac",
            priority="urgent",
            title="x",
            description="x",
            source="iot",
            source_ref="a-1",
        )
    assert bad.value.code == "unknown_source" and "alarm" in str(bad.value.message)
    assert not Ticket.objects.exists()
    ticket = alarm_ticket(place)
    assert ticket.source == "alarm"
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(source="iot")
