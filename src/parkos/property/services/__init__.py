"""Every write of property management. Other apps call these, never the models."""

from parkos.property.services.assessment import (
    month_close,
    month_compute,
    score_weights_set,
)
from parkos.property.services.escalation import sla_check
from parkos.property.services.inspections import (
    FINDING_NOTE_MAX,
    inspection_schedule_create,
    inspection_schedule_update,
    inspection_template_create,
    inspection_template_update,
    round_submit,
    rounds_generate,
)
from parkos.property.services.quality import (
    finding_follow_up,
    spot_check_record,
    survey_answer,
    survey_send,
    tenant_profile_update,
)
from parkos.property.services.ticket_steps import (
    MAX_RATING_COMMENT,
    ticket_accept,
    ticket_add_photos,
    ticket_arrive,
    ticket_cancel,
    ticket_confirm,
    ticket_reopen,
    ticket_resolve,
)
from parkos.property.services.tickets import (
    ticket_create,
    ticket_dispatch,
    ticket_open_for_alarm,
)
from parkos.property.services.training import company_retrain, retrain_all

__all__ = [
    "FINDING_NOTE_MAX",
    "MAX_RATING_COMMENT",
    "company_retrain",
    "finding_follow_up",
    "inspection_schedule_create",
    "inspection_schedule_update",
    "inspection_template_create",
    "inspection_template_update",
    "month_close",
    "month_compute",
    "retrain_all",
    "round_submit",
    "rounds_generate",
    "score_weights_set",
    "sla_check",
    "spot_check_record",
    "survey_answer",
    "survey_send",
    "tenant_profile_update",
    "ticket_accept",
    "ticket_add_photos",
    "ticket_arrive",
    "ticket_cancel",
    "ticket_confirm",
    "ticket_create",
    "ticket_dispatch",
    "ticket_open_for_alarm",
    "ticket_reopen",
    "ticket_resolve",
]
