"""The event rows of technology transfer, written by the workflows' `event` hook."""

from parkos.core.audit import audit_record


def achievement_event(obj, *, action, actor, before, after, note, data, at):
    from parkos.techtransfer.models import AchievementEvent

    AchievementEvent.objects.create(
        achievement=obj, actor=actor, action=action, before=before, after=after, note=note, at=at
    )
    if action in {"approve", "reject"}:
        audit_record(
            actor=actor,
            action=f"techtransfer.achievement.{action}",
            instance=obj,
            changes={"status": [before, after], "note": note},
        )


def deal_event(obj, *, action, actor, before, after, note, data, at):
    from parkos.techtransfer.models import DealEvent

    DealEvent.objects.create(
        deal=obj, actor=actor, action=action, before=before, after=after, note=note, at=at
    )


def call_event(obj, *, action, actor, before, after, note, data, at):
    audit_record(
        actor=actor,
        action=f"techtransfer.call.{action}",
        instance=obj,
        changes={"status": [before, after]},
    )


def proposal_event(obj, *, action, actor, before, after, note, data, at):
    audit_record(
        actor=actor,
        action=f"techtransfer.proposal.{action}",
        instance=obj,
        changes={"status": [before, after]},
    )


def match_event(obj, *, action, actor, before, after, note, data, at):
    audit_record(
        actor=actor,
        action=f"techtransfer.match.{action}",
        instance=obj,
        changes={
            "status": [before, after],
            **({"reason": [None, data["reason"]]} if data.get("reason") else {}),
        },
    )
