"""The approvals pages and their JSON door: who sees and does what, the case page's words
(the deadline never reads "-11 days left", the breadcrumb leads back to the reader's list,
comments kept within a stated length without losing what was typed), and query budgets."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from factories import EnterpriseFactory, ParkFactory, Role, member
from parkos.approvals.models import Attachment, Case, CaseEvent, Notification, Status
from parkos.approvals.services import TEXT_MAX_LENGTH

pytestmark = pytest.mark.django_db


def api(client, user=None):
    if user is not None:
        client.force_login(user)
    return client


def test_case_detail_permission_matrix(client, open_case, applicant, reviewer):
    case = open_case()
    url = f"/api/approvals/cases/{case.id}"
    assert client.get(url).status_code == 401
    outsider = member(Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory())
    assert api(client, outsider).get(url).status_code == 404
    other_park = member(Role.REVIEWER, park=ParkFactory())
    assert api(client, other_park).get(url).status_code == 404
    response = api(client, applicant).get(url)
    assert response.status_code == 200
    assert response.json()["actions"] == ["withdraw"]
    response = api(client, reviewer).get(url)
    assert response.json()["actions"] == ["approve", "return", "reject"]


def test_approve_permission_matrix(client, open_case, applicant, reviewer):
    case = open_case()
    url = f"/api/approvals/cases/{case.id}/approve"
    assert client.post(url, {}, content_type="application/json").status_code == 401
    outsider = member(Role.REVIEWER, park=ParkFactory())
    assert api(client, outsider).post(url, {}, content_type="application/json").status_code == 404
    assert api(client, applicant).post(url, {}, content_type="application/json").status_code == 403
    response = api(client, reviewer).post(url, {}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["current_step"]["name"] == "Finance"


def test_reject_without_reason_and_approve_withdrawn_are_clear_errors(
    client, open_case, applicant, reviewer
):
    case = open_case()
    response = api(client, reviewer).post(
        f"/api/approvals/cases/{case.id}/reject", {"reason": ""}, content_type="application/json"
    )
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    api(client, applicant).post(f"/api/approvals/cases/{case.id}/withdraw")
    response = api(client, reviewer).post(
        f"/api/approvals/cases/{case.id}/approve", {}, content_type="application/json"
    )
    # A withdrawn case is no longer in the reviewer's scope of action: 404 for them.
    assert response.status_code in (404, 409)
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN


def test_inbox_list_has_a_query_budget(client, open_case, reviewer, django_assert_max_num_queries):
    for _ in range(8):
        open_case()
    api(client, reviewer)
    with django_assert_max_num_queries(8):
        response = client.get("/api/approvals/inbox")
    assert response.json()["count"] == 8
    assert client.get("/api/approvals/inbox?overdue=true").json()["count"] == 0


def test_comment_with_attachment_checks_type_and_size(client, open_case, applicant):
    case = open_case()
    api(client, applicant)
    ok = client.post(
        f"/api/approvals/cases/{case.id}/comments",
        {
            "text": "contract",
            "attachment": SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10),
        },
    )
    assert ok.status_code == 201
    bad = client.post(
        f"/api/approvals/cases/{case.id}/comments",
        {"text": "x", "attachment": SimpleUploadedFile("run.exe", b"MZ" + b"0" * 10)},
    )
    assert bad.status_code == 422 and "attachment" in bad.json()["fields"]
    assert Attachment.objects.filter(case=case).count() == 1
    attachment = Attachment.objects.get(case=case)
    assert client.get(reverse("approvals:attachment", args=[attachment.id])).status_code == 200
    outsider = member(Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory())
    client.force_login(outsider)
    assert client.get(reverse("approvals:attachment", args=[attachment.id])).status_code == 404


def test_inbox_page_and_batch_approve(client, open_case, reviewer):
    first, second = open_case(title="第一件"), open_case(title="第二件")
    client.force_login(reviewer)
    page = client.get(reverse("approvals:inbox"))
    assert page.status_code == 200
    assert "第一件" in page.content.decode()
    response = client.post(reverse("approvals:inbox"), {"case": [str(first.id), str(second.id)]})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.current_step.position == 2


def test_case_page_actions_and_errors(client, open_case, reviewer, applicant):
    case = open_case()
    client.force_login(reviewer)
    url = reverse("approvals:case_act", args=[case.id])
    response = client.post(url, {"action": "return", "text": ""})
    assert response.status_code == 422
    response = client.post(url, {"action": "return", "text": "请补充合同"})
    assert response.status_code == 302
    client.force_login(applicant)
    page = client.get(reverse("approvals:case_detail", args=[case.id])).content.decode()
    assert "请补充合同" in page and 'data-testid="resubmit"' in page
    assert client.get(reverse("approvals:my_cases")).status_code == 200


def test_notifications_bell_and_mark_read(
    client, open_case, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_case()
    client.force_login(reviewer)
    assert client.get("/api/approvals/notifications/unread").json() == {"unread": 1}
    page = client.get(reverse("approvals:notifications")).content.decode()
    assert 'data-testid="bell-count"' in page
    client.post(reverse("approvals:notifications"))
    assert Notification.objects.filter(user=reviewer, read_at__isnull=True).count() == 0


def test_process_page_for_network_operators_only(client, process, finance, reviewer):
    url = reverse("approvals:process_edit", args=[process.id])
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(finance)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "两步审批",
            "step_count": "3",
            "step-0-name": "园区初审",
            "step-0-role": "reviewer",
            "step-0-scope": "park",
            "step-0-deadline_days": "2",
            "step-0-sign_off": "any",
            "step-1-name": "财务",
            "step-1-role": "operator_admin",
            "step-1-scope": "network",
            "step-1-deadline_days": "0",
            "step-1-sign_off": "any",
        },
    )
    assert response.status_code == 422
    process.refresh_from_db()
    assert process.name == "Two steps"


def test_process_api_lists_and_updates_for_network_operators(client, process, finance, reviewer):
    client.force_login(reviewer)
    listed = client.get("/api/approvals/processes").json()
    assert [s["name"] for s in listed["items"][0]["steps"]] == ["Park review", "Finance"]
    body = {
        "name": "Renamed",
        "steps": [{"name": "Only", "role": "reviewer", "scope": "park", "deadline_days": 3}],
    }
    url = f"/api/approvals/processes/{process.id}"
    assert client.put(url, body, content_type="application/json").status_code == 403
    client.force_login(finance)
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["steps"]] == ["Only"]
    bad = client.put(url, {**body, "steps": []}, content_type="application/json")
    assert bad.status_code == 422 and "steps" in bad.json()["fields"]


def test_overdue_celery_task_runs(open_case):
    from parkos.approvals.tasks import flag_overdue

    open_case()
    assert flag_overdue.run() == 0


def test_cached_bell_count_follows_delivery_and_reading_at_once(
    client, open_case, reviewer, django_capture_on_commit_callbacks, settings
):
    from django.core.cache import cache

    settings.NOTIFICATION_COUNT_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(reviewer)
    unread = "/api/approvals/notifications/unread"
    assert client.get(unread).json() == {"unread": 0}
    with django_capture_on_commit_callbacks(execute=True):
        open_case()
    assert client.get(unread).json() == {"unread": 1}
    client.post(reverse("approvals:notifications"))
    assert client.get(unread).json() == {"unread": 0}
    cache.clear()


def _page(client, user, case, language="zh-hans") -> str:
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client.get(reverse("approvals:case_detail", args=[case.id])).content.decode()


def _due_in(case, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() + timedelta(days=days))


def test_an_overdue_case_says_how_many_days_overdue(client, open_case, reviewer):
    case = open_case()
    _due_in(case, -11)
    page = _page(client, reviewer, case)
    assert "已超期 11 天" in page and "剩余 -" not in page
    english = _page(client, reviewer, case, "en")
    assert "11 days overdue" in english and "-11 days" not in english
    _due_in(case, -1)
    assert "1 day overdue" in _page(client, reviewer, case, "en")


def test_days_left_are_counted_in_the_right_number(client, open_case, reviewer):
    case = open_case()
    _due_in(case, 1)
    english = _page(client, reviewer, case, "en")
    assert "1 day left" in english and "1 days" not in english
    _due_in(case, 3)
    assert "3 days left" in _page(client, reviewer, case, "en")
    assert "剩余 3 天" in _page(client, reviewer, case)
    _due_in(case, 0)
    assert "今天到期" in _page(client, reviewer, case)


def test_the_inbox_shows_an_unflagged_late_case_as_overdue(client, open_case, reviewer):
    case = open_case()
    _due_in(case, -2)
    client.force_login(reviewer)
    page = client.get(reverse("approvals:inbox")).content.decode()
    assert "已超期 2 天" in page and "剩余 -" not in page


def test_the_breadcrumb_leads_back_to_the_readers_own_list(client, open_case, reviewer, applicant):
    case = open_case()
    for_reviewer = _page(client, reviewer, case)
    crumb = for_reviewer.split('data-testid="breadcrumb"')[1].split("</p>")[0]
    assert "待我审批" in crumb and "我的申请" not in crumb
    assert reverse("approvals:my_cases") not in crumb
    for_applicant = _page(client, applicant, case)
    crumb = for_applicant.split('data-testid="breadcrumb"')[1].split("</p>")[0]
    assert "我的申请" in crumb and reverse("approvals:my_cases") in crumb


def test_a_comment_over_the_limit_is_refused_naming_the_limit_and_kept(
    client, open_case, applicant
):
    case = open_case()
    client.force_login(applicant)
    typed = "补充说明" * (TEXT_MAX_LENGTH // 4) + "多"
    response = client.post(reverse("approvals:case_comment", args=[case.id]), {"text": typed})
    assert response.status_code == 422
    page = response.content.decode()
    assert "2,000" in page and f"{len(typed):,}" in page
    assert typed in page, "what was typed comes back in the box"
    assert not CaseEvent.objects.filter(case=case, kind="commented").exists()
    right = "补" * TEXT_MAX_LENGTH
    response = client.post(reverse("approvals:case_comment", args=[case.id]), {"text": right})
    assert response.status_code == 302


def test_a_decision_comment_over_the_limit_is_refused_and_kept(client, open_case, reviewer):
    case = open_case()
    client.force_login(reviewer)
    typed = "请补充" * 1000
    response = client.post(
        reverse("approvals:case_act", args=[case.id]), {"action": "approve", "text": typed}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "2,000" in page and typed in page
    case.refresh_from_db()
    assert case.current_step.position == 1


def test_the_limit_is_stated_next_to_the_box(client, open_case, reviewer):
    assert "最多 2,000 字" in _page(client, reviewer, open_case())


@pytest.mark.parametrize(
    ("who", "name", "budget"),
    [
        ("reviewer", "approvals:inbox", 13),
        ("applicant", "approvals:my_cases", 9),
        ("reviewer", "approvals:notifications", 8),
        ("finance", "approvals:process_list", 8),
    ],
)
def test_list_pages_keep_a_query_budget(
    client, open_case, request, who, name, budget, django_assert_max_num_queries
):
    for _ in range(8):
        open_case()
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(budget):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_a_bad_step_is_shown_under_its_row_with_the_input_kept(client, process, finance):
    client.force_login(finance)
    response = client.post(
        reverse("approvals:process_edit", args=[process.id]),
        {
            "name": "两步审批",
            "step_count": "2",
            "step-0-name": "园区初审",
            "step-0-role": "reviewer",
            "step-0-scope": "park",
            "step-0-deadline_days": "2",
            "step-0-sign_off": "any",
            "step-1-name": "财务",
            "step-1-role": "operator_admin",
            "step-1-scope": "network",
            "step-1-deadline_days": "400",
            "step-1-sign_off": "any",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    under_row = page.split('data-testid="error-step-1-deadline_days"')[1].split("</div>")[0]
    assert "365" in under_row
    assert 'value="两步审批"' in page and 'value="400"' in page
