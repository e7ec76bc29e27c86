"""Who may call what: the one table the permission matrix reads. Each API operation (by its
operationId) and each HTML page (by its URL name) declares the role that may use it on tenant
"a"'s objects ("right") and a role that may not ("wrong"). An operation missing here fails the
matrix, so that a new endpoint is declared when it is written.

Roles are the callers of matrix/world.py: operator, ioc, reviewer, tenant (enterprise admin),
member (enterprise member), dispatcher, manager, technician, provider, netop (network-wide
operator) and netreviewer. "ANY" means any signed-in person (no wrong role); "PUBLIC" means no
sign-in at all. `method="post"` marks a page that only accepts POST (its refusals are checked
with an empty form). The table was first drawn from the apps' behaviour and then read against
their permissions modules; where the two disagree the table states the rule and the matrix
fails until the app follows it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    right: str
    wrong: str | None
    method: str = "get"
    # A reason to leave the right-role call out (a stream that never ends, a download).
    skip_right: str = ""
    # The body the refusing callers send, when the smallest one the schema accepts is still
    # refused by the schema's own limits (a list that must not be empty): `body(ids)`.
    body: Callable[[dict], dict] | None = None
    # A known defect, with its reason: the endpoint validates its input before it refuses the
    # caller, so a refusing caller may get 422 (telling them which fields are wrong, nothing
    # more). Listed so the matrix stays a gate for everything else; to be fixed, then removed.
    validates_first: str = ""


def _one_claim(ids: dict) -> dict:
    # Any id will do: the caller must be refused before the claim is looked up.
    return {"claims": [str(ids.get("claim_id") or uuid.uuid4())]}


# Providers, products and voucher programmes belong to the whole network, not to one park: their
# operations are declared for the network roles, for whom "another tenant" does not exist.

# Known list queries above the budget, each with its reason. operationId or URL name -> budget.
QUERY_BUDGET = 25
QUERY_EXCEPTIONS: dict[str, tuple[int, str]] = {
    "marketplace:vouchers": (
        30,
        "the operator's page carries the programme report beside the list; its count does not "
        "grow with the rows (tests/marketplace budgets it at 1 and 4 rows)",
    ),
}

API = {
    "parkos_accounts_api_token_obtain": Rule("PUBLIC", None),
    "parkos_accounts_api_me": Rule("ANY", None),
    "parkos_parks_api_park_list": Rule("ANY", None),
    "parkos_parks_api_park_create": Rule("netop", "tenant"),
    "parkos_parks_api_park_detail": Rule("ANY", None),
    "parkos_parks_api_park_update": Rule("operator", "tenant"),
    "parkos_parks_api_building_list": Rule("ANY", None),
    "parkos_parks_api_building_create": Rule("operator", "tenant"),
    "parkos_parks_api_building_detail": Rule("ANY", None),
    "parkos_parks_api_building_update": Rule("operator", "tenant"),
    "parkos_parks_api_unit_list": Rule("ANY", None),
    "parkos_parks_api_unit_create": Rule("operator", "tenant"),
    "parkos_parks_api_unit_detail": Rule("ANY", None),
    "parkos_parks_api_unit_update": Rule("operator", "tenant"),
    "parkos_parks_api_enterprise_list": Rule("ANY", None),
    "parkos_parks_api_enterprise_create": Rule("operator", "tenant"),
    "parkos_parks_api_enterprise_import": Rule("operator", "tenant"),
    "parkos_parks_api_enterprise_import_status": Rule("operator", "tenant"),
    "parkos_parks_api_import_job": Rule("operator", "tenant"),
    "parkos_parks_api_import_report": Rule("operator", "tenant"),
    "parkos_parks_api_enterprise_detail": Rule("ANY", None),
    "parkos_parks_api_enterprise_update": Rule("tenant", "provider"),
    "parkos_parks_api_lease_list": Rule("ANY", None),
    "parkos_parks_api_lease_create": Rule("operator", "tenant"),
    "parkos_parks_api_lease_detail": Rule("tenant", "provider"),
    "parkos_parks_api_lease_update": Rule("operator", "tenant"),
    "parkos_approvals_api_inbox": Rule("ANY", None),
    "parkos_approvals_api_my_cases": Rule("ANY", None),
    "parkos_approvals_api_case_detail": Rule("tenant", "provider"),
    "parkos_approvals_api_case_approve": Rule("reviewer", "tenant"),
    "parkos_approvals_api_case_reject": Rule("tenant", "provider"),
    "parkos_approvals_api_case_return": Rule("tenant", "provider"),
    "parkos_approvals_api_case_resubmit": Rule("tenant", "provider"),
    "parkos_approvals_api_case_submit": Rule("tenant", "provider"),
    "parkos_approvals_api_case_withdraw": Rule("tenant", "provider"),
    "parkos_approvals_api_case_comment": Rule("tenant", "provider"),
    "parkos_approvals_api_batch_approve": Rule("reviewer", "tenant"),
    "parkos_approvals_api_notifications": Rule("ANY", None),
    "parkos_approvals_api_notifications_unread": Rule("ANY", None),
    "parkos_approvals_api_notifications_read": Rule("ANY", None),
    "parkos_approvals_api_process_list": Rule("ANY", None),
    "parkos_approvals_api_process_update": Rule("netop", "tenant"),
    "parkos_relief_api_programme_list": Rule("ANY", None),
    "parkos_relief_api_programme_create": Rule("netop", "tenant"),
    "parkos_relief_api_programme_detail": Rule("tenant", "provider"),
    "parkos_relief_api_programme_publish": Rule("operator", "tenant"),
    "parkos_relief_api_programme_quote": Rule("tenant", "provider"),
    "parkos_relief_api_application_list": Rule("ANY", None),
    "parkos_relief_api_application_submit": Rule("tenant", "provider"),
    "parkos_relief_api_application_detail": Rule("tenant", "provider"),
    "parkos_relief_api_adjustment_list": Rule("ANY", None),
    "parkos_relief_api_report": Rule("reviewer", "tenant"),
    "parkos_relief_api_arrears": Rule("operator", "tenant"),
    "parkos_filings_api_round_list": Rule("ANY", None),
    "parkos_filings_api_round_open": Rule("operator", "tenant"),
    "parkos_filings_api_round_detail": Rule("tenant", "provider"),
    "parkos_filings_api_round_close": Rule("operator", "tenant"),
    "parkos_filings_api_round_dashboard": Rule("reviewer", "tenant"),
    "parkos_filings_api_round_export": Rule("reviewer", "tenant"),
    "parkos_filings_api_submission_list": Rule("tenant", "provider"),
    "parkos_filings_api_submission_file": Rule("tenant", "provider"),
    "parkos_filings_api_submission_detail": Rule("tenant", "provider"),
    "parkos_marketplace_api_catalogue_category_list": Rule("ANY", None),
    "parkos_marketplace_api_catalogue_provider_list": Rule("ANY", None),
    "parkos_marketplace_api_catalogue_provider_apply": Rule("ANY", None),
    "parkos_marketplace_api_catalogue_provider_detail": Rule("ANY", None),
    "parkos_marketplace_api_catalogue_provider_verify": Rule("netop", "tenant"),
    "parkos_marketplace_api_catalogue_provider_dashboard": Rule("provider", "tenant"),
    "parkos_marketplace_api_catalogue_ranking": Rule("ANY", None),
    "parkos_marketplace_api_catalogue_product_search": Rule("ANY", None),
    "parkos_marketplace_api_catalogue_product_create": Rule("provider", "tenant"),
    "parkos_marketplace_api_catalogue_product_facets": Rule("ANY", None),
    "parkos_marketplace_api_catalogue_product_detail": Rule("ANY", None),
    "parkos_marketplace_api_catalogue_product_update": Rule("provider", "tenant"),
    "parkos_marketplace_api_catalogue_product_reviews": Rule("ANY", None),
    "parkos_marketplace_api_catalogue_plan_add": Rule("provider", "tenant"),
    "parkos_marketplace_api_catalogue_product_submit": Rule("provider", "tenant"),
    "parkos_marketplace_api_catalogue_product_review": Rule("netop", "tenant"),
    "parkos_marketplace_api_orders_order_list": Rule("ANY", None),
    "parkos_marketplace_api_orders_order_place_direct": Rule("tenant", "provider"),
    "parkos_marketplace_api_orders_order_detail": Rule("tenant", "ioc"),
    "parkos_marketplace_api_orders_enquiry_create": Rule("tenant", "provider"),
    "parkos_marketplace_api_orders_quote_give": Rule("provider", "tenant"),
    "parkos_marketplace_api_orders_enquiry_decline": Rule(
        "provider", "tenant", body=lambda ids: {"reason": "x"}
    ),
    "parkos_marketplace_api_orders_order_split": Rule("tenant", "ioc"),
    "parkos_marketplace_api_orders_product_split": Rule("ANY", None),
    "parkos_marketplace_api_orders_order_place_quoted": Rule("tenant", "provider"),
    "parkos_marketplace_api_orders_order_deliver": Rule("provider", "tenant"),
    "parkos_marketplace_api_orders_order_accept": Rule("tenant", "provider"),
    "parkos_marketplace_api_orders_order_cancel": Rule(
        "tenant", "ioc", body=lambda ids: {"reason": "x"}
    ),
    "parkos_marketplace_api_orders_subscription_cancel": Rule("tenant", "provider"),
    "parkos_marketplace_api_orders_order_refunds": Rule("tenant", "ioc"),
    "parkos_marketplace_api_orders_order_renew": Rule("tenant", "provider"),
    "parkos_marketplace_api_orders_review_create": Rule("tenant", "provider"),
    "parkos_marketplace_api_orders_complaint_open": Rule("tenant", "provider"),
    "parkos_marketplace_api_orders_complaint_list": Rule("ANY", None),
    "parkos_marketplace_api_orders_complaint_resolve": Rule(
        "operator", "tenant", body=lambda ids: {"upheld": False, "resolution": "x"}
    ),
    "parkos_marketplace_api_vouchers_programme_list": Rule("ANY", None),
    "parkos_marketplace_api_vouchers_programme_report": Rule("netreviewer", "tenant"),
    "parkos_marketplace_api_vouchers_application_list": Rule("ANY", None),
    "parkos_marketplace_api_vouchers_voucher_apply": Rule("tenant", "provider"),
    "parkos_marketplace_api_vouchers_grant_list": Rule("ANY", None),
    "parkos_marketplace_api_vouchers_grant_detail": Rule("tenant", "provider"),
    "parkos_marketplace_api_vouchers_claim_list": Rule("ANY", None),
    "parkos_marketplace_api_vouchers_claim_create": Rule("provider", "tenant"),
    "parkos_marketplace_api_vouchers_clawbacks_settle": Rule("netop", "tenant", body=_one_claim),
    "parkos_marketplace_api_vouchers_claims_decide": Rule("netop", "tenant", body=_one_claim),
    "parkos_property_api_ticket_list": Rule("ANY", None),
    "parkos_property_api_ticket_create": Rule(
        "tenant",
        "provider",
        validates_first="validation runs before the permission check; fix in the service",
    ),
    "parkos_property_api_ticket_detail": Rule("tenant", "provider"),
    "parkos_property_api_ticket_events": Rule("tenant", "provider"),
    "parkos_property_api_ticket_photos": Rule(
        "tenant",
        "provider",
        validates_first="validation runs before the permission check; fix in the service",
    ),
    "parkos_property_api_ticket_dispatch": Rule("dispatcher", "tenant"),
    "parkos_property_api_ticket_accept": Rule("technician", "tenant"),
    "parkos_property_api_ticket_arrive": Rule("technician", "tenant"),
    "parkos_property_api_ticket_resolve": Rule("technician", "tenant"),
    "parkos_property_api_ticket_confirm": Rule("tenant", "provider"),
    "parkos_property_api_ticket_reopen": Rule("tenant", "provider"),
    "parkos_property_api_ticket_cancel": Rule("tenant", "provider"),
    "parkos_property_api_dispatch_queue": Rule("ANY", None),
    "parkos_property_api_round_list": Rule("ANY", None),
    "parkos_property_api_round_submit": Rule("technician", "tenant"),
    "parkos_property_api_inspection_template_list": Rule("ANY", None),
    "parkos_property_api_inspection_template_create": Rule("manager", "tenant"),
    "parkos_property_api_inspection_template_detail": Rule("manager", "tenant"),
    "parkos_property_api_inspection_template_update": Rule("manager", "tenant"),
    "parkos_property_api_inspection_schedule_list": Rule("ANY", None),
    "parkos_property_api_inspection_schedule_create": Rule("manager", "tenant"),
    "parkos_property_api_inspection_schedule_detail": Rule("manager", "tenant"),
    "parkos_property_api_inspection_schedule_update": Rule("manager", "tenant"),
    "parkos_property_api_spot_check_create": Rule(
        "operator",
        "tenant",
        validates_first="validation runs before the permission check; fix in the service",
    ),
    "parkos_property_api_survey_list": Rule("ANY", None),
    "parkos_property_api_survey_send": Rule(
        "operator",
        "tenant",
        validates_first="validation runs before the permission check; fix in the service",
    ),
    "parkos_property_api_survey_answer": Rule("tenant", "provider"),
    "parkos_property_api_survey_results": Rule("tenant", "provider"),
    "parkos_property_api_score_list": Rule("ANY", None),
    "parkos_property_api_score_compute": Rule("operator", "tenant"),
    "parkos_property_api_score_close": Rule("operator", "tenant"),
    "parkos_property_api_score_weights": Rule("operator", "tenant"),
    "parkos_iot_api_device_list": Rule("ANY", None),
    "parkos_iot_api_device_create": Rule("ioc", "tenant"),
    "parkos_iot_api_devices_import": Rule(
        "ioc",
        "tenant",
        validates_first="validation runs before the permission check; fix in the service",
    ),
    "parkos_iot_api_device_detail": Rule("ioc", "tenant"),
    "parkos_iot_api_credential_issue": Rule("ioc", "tenant"),
    "parkos_iot_api_credential_revoke": Rule("ioc", "tenant"),
    "parkos_iot_api_telemetry": Rule("ANY", None),
    "parkos_iot_api_rule_list": Rule("ioc", "tenant"),
    "parkos_iot_api_rule_create": Rule(
        "ioc",
        "tenant",
        validates_first="validation runs before the permission check; fix in the service",
    ),
    "parkos_iot_api_rule_update": Rule("ioc", "tenant"),
    "parkos_iot_api_alarm_list": Rule("ANY", None),
    "parkos_iot_api_alarm_detail": Rule("ioc", "tenant"),
    "parkos_iot_api_alarm_acknowledge": Rule("ioc", "tenant"),
    "parkos_iot_api_alarm_clear": Rule("ioc", "tenant"),
    "parkos_iot_api_alarm_comment": Rule("ioc", "tenant"),
    "parkos_iot_api_alarm_assign": Rule("ioc", "tenant"),
    "parkos_iot_api_ingest_metrics": Rule("ioc", "tenant"),
    "parkos_crowd_api_area_list": Rule("ioc", "tenant"),
    "parkos_crowd_api_area_create": Rule("operator", "tenant"),
    "parkos_crowd_api_area_detail": Rule("ioc", "tenant"),
    "parkos_crowd_api_area_forecast": Rule("ioc", "tenant"),
    "parkos_crowd_api_counter_list": Rule("ioc", "tenant"),
    "parkos_crowd_api_counter_forecast": Rule("ioc", "tenant"),
    "parkos_crowd_api_warning_list": Rule("ioc", "tenant"),
    "parkos_crowd_api_counts_import": Rule(
        "ioc",
        "tenant",
        validates_first="validation runs before the permission check; fix in the service",
    ),
}

PAGES = {
    "home": Rule("PUBLIC", None),
    "accounts:login": Rule("PUBLIC", None),
    "accounts:logout": Rule("PUBLIC", None, method="post"),
    "iot:live": Rule("ioc", "tenant", skip_right="a server-sent event stream: it never ends"),
    "accounts:password_change": Rule("ANY", None),
    "accounts:profile": Rule("ANY", None),
    "accounts:language": Rule("PUBLIC", None, method="post"),
    "parks:home": Rule("ANY", None),
    "parks:overview": Rule("ANY", None),
    "parks:enterprise_list": Rule("ANY", None),
    "parks:enterprise_import": Rule("operator", "tenant"),
    "parks:import_status": Rule("operator", "tenant"),
    "parks:import_job": Rule("operator", "tenant"),
    "parks:import_report": Rule("operator", "tenant"),
    "parks:audit_log": Rule("operator", "tenant"),
    "parks:enterprise_detail": Rule("ANY", None),
    "approvals:inbox": Rule("ANY", None),
    "approvals:my_cases": Rule("ANY", None),
    "approvals:case_detail": Rule("tenant", "provider"),
    "approvals:case_act": Rule("reviewer", "provider", method="post"),
    "approvals:case_comment": Rule("ANY", None, method="post"),
    "approvals:attachment": Rule("tenant", "provider"),
    "approvals:notifications": Rule("ANY", None),
    "approvals:process_list": Rule("netop", "tenant"),
    "approvals:process_edit": Rule("netop", "tenant"),
    "relief:home": Rule("ANY", None),
    "relief:programme_new": Rule("operator", "tenant"),
    "relief:programme_detail": Rule("tenant", "provider"),
    "relief:apply": Rule("ANY", None, method="post"),
    "relief:quote": Rule("ANY", None, method="post"),
    "relief:programme_act": Rule("operator", "tenant", method="post"),
    "relief:publish": Rule("operator", "tenant", method="post"),
    "relief:report": Rule("reviewer", "tenant"),
    "filings:rounds": Rule("ANY", None),
    "filings:round_create": Rule("operator", "tenant"),
    "filings:round_detail": Rule("tenant", "provider"),
    "filings:submit": Rule("tenant", "provider"),
    "filings:round_act": Rule("operator", "tenant", method="post"),
    "filings:round_close": Rule("operator", "tenant", method="post"),
    "filings:round_export": Rule("reviewer", "tenant"),
    "filings:submission_detail": Rule("tenant", "provider"),
    "marketplace:home": Rule("ANY", None),
    "marketplace:product_new": Rule("provider", "tenant"),
    "marketplace:product_detail": Rule("ANY", None),
    "marketplace:product_submit": Rule("provider", "tenant", method="post"),
    "marketplace:enquire": Rule("ANY", None, method="post"),
    "marketplace:order_direct": Rule("ANY", None, method="post"),
    "marketplace:product_review": Rule("netop", "tenant", method="post"),
    "marketplace:provider_apply": Rule("ANY", None),
    "marketplace:provider_detail": Rule("ANY", None),
    "marketplace:ranking": Rule("ANY", None),
    "marketplace:review_queue": Rule("operator", "tenant"),
    "marketplace:order_list": Rule("ANY", None),
    "marketplace:order_detail": Rule("tenant", "ioc"),
    "marketplace:order_action": Rule("ANY", None, method="post"),
    "marketplace:dashboard": Rule("provider", "tenant"),
    "marketplace:vouchers": Rule("ANY", None),
    "marketplace:voucher_apply": Rule("ANY", None, method="post"),
    "marketplace:claims_decide": Rule("netop", "tenant", method="post"),
    "marketplace:clawbacks_settle": Rule("netop", "tenant", method="post"),
    "property:home": Rule("ANY", None),
    "property:ticket_new": Rule("ANY", None),
    "property:ticket_detail": Rule("tenant", "provider"),
    "property:ticket_photo": Rule("tenant", "provider"),
    "property:ticket_action": Rule("ANY", None, method="post"),
    "property:round": Rule("dispatcher", "tenant"),
    "property:inspections": Rule("manager", "tenant"),
    "property:inspection_template_new": Rule("manager", "tenant"),
    "property:inspection_template": Rule("manager", "tenant"),
    "property:inspection_item_row": Rule("manager", "tenant"),
    "property:inspection_schedule_new": Rule("manager", "tenant"),
    "property:inspection_schedule": Rule("manager", "tenant"),
    "property:spot_checks": Rule("ANY", None),
    "property:finding_follow_up": Rule("ANY", None, method="post"),
    "property:surveys": Rule("ANY", None),
    "property:survey_detail": Rule("tenant", "provider"),
    "property:scores": Rule("dispatcher", "tenant"),
    "property:profile": Rule("tenant", "provider"),
    "iot:dashboard": Rule("ioc", "tenant"),
    "iot:panel": Rule("ioc", "tenant"),
    "iot:alarm_detail": Rule("ioc", "tenant"),
    "iot:alarm_action": Rule("ioc", "tenant", method="post"),
    "iot:device_series": Rule("ioc", "tenant"),
    "iot:building": Rule("ioc", "tenant"),
    "iot:energy": Rule("ioc", "tenant"),
    "crowd:home": Rule("ioc", "tenant"),
    "crowd:area": Rule("ioc", "tenant"),
    "crowd:warnings": Rule("ioc", "tenant"),
}


def _merge_app_modules() -> None:
    from matrix.apps import app_modules

    for module in app_modules():
        for table, extra in (
            (API, getattr(module, "API", {})),
            (PAGES, getattr(module, "PAGES", {})),
        ):
            clash = set(table) & set(extra)
            if clash:
                raise ValueError(f"{module.__name__} declares again: {sorted(clash)}")
            table.update(extra)
        QUERY_EXCEPTIONS.update(getattr(module, "QUERY_EXCEPTIONS", {}))


_merge_app_modules()
