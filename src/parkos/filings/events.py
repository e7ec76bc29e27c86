"""What the re-opening ledger records when a round moves: the audit entry of each move of
the round workflow (the ledger keeps no event table of its own; submissions keep their
versions in SubmissionRevision)."""

from parkos.core.audit import audit_record


def round_transition_recorded(filing_round, *, action, actor, before, after, note, data, at):
    audit_record(
        actor=actor,
        action=f"filing_round.{action}",
        instance=filing_round,
        park_id=filing_round.park_id,
        changes={"status": [before, after]},
    )
