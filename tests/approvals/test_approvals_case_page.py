"""What the case page tells its reader: the deadline in words (never "-11 days left"), a
breadcrumb back to the list the case sits in for them, and comments kept within a stated
length without losing what was typed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parkos.approvals.models import Case, CaseEvent
from parkos.approvals.services import TEXT_MAX_LENGTH

pytestmark = pytest.mark.django_db


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
