"""Every write of the talent app (the door other apps use)."""

from parkos.talent.services.applications import (
    application_apply,
    application_move,
    interview_schedule,
    interview_score,
)
from parkos.talent.services.candidates import (
    candidate_add_walk_in,
    candidate_delete,
    candidate_export,
    candidate_merge,
    candidate_of,
    candidate_register,
    candidate_resume_upload,
    candidate_update,
    consent_grant,
    consent_withdraw,
)
from parkos.talent.services.fairs import (
    booth_request,
    booth_transition,
    demand_submit,
    fair_create,
    fair_survey_answer,
    slot_create,
)
from parkos.talent.services.onething import (
    onething_apply,
    rule_current,
    rule_publish,
    subsidy_amount,
    subsidy_pay,
)
from parkos.talent.services.positions import (
    park_policy_set,
    position_create,
    position_transition,
    position_update,
    positions_close_expired,
)

__all__ = [
    "application_apply",
    "application_move",
    "booth_request",
    "booth_transition",
    "candidate_add_walk_in",
    "candidate_delete",
    "candidate_export",
    "candidate_merge",
    "candidate_of",
    "candidate_register",
    "candidate_resume_upload",
    "candidate_update",
    "consent_grant",
    "consent_withdraw",
    "demand_submit",
    "fair_create",
    "fair_survey_answer",
    "interview_schedule",
    "interview_score",
    "onething_apply",
    "park_policy_set",
    "position_create",
    "position_transition",
    "position_update",
    "positions_close_expired",
    "rule_current",
    "rule_publish",
    "slot_create",
    "subsidy_amount",
    "subsidy_pay",
]
