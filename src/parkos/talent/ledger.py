"""The housing-subsidy ledger: every grant and every payment appended to a hash chain
(core.hashchain) whose table the database keeps append-only."""

from django.utils import timezone

from parkos.core.hashchain import Children, HashChain
from parkos.talent.models import LedgerLine, LedgerRecord

LEDGER_TABLES = (LedgerRecord._meta.db_table, LedgerLine._meta.db_table)

LEDGER = HashChain(
    LedgerRecord,
    fields=(
        "kind",
        "subsidy_id",
        "id_hmac",
        "park_code",
        "amount",
        "rule_version",
        "actor",
        "recorded_at",
    ),
    children=Children(LedgerLine, fk="record", fields=("position", "label", "value")),
)


def ledger_append(*, kind: str, subsidy, park_code: str, actor_name: str, lines: list[tuple]):
    """Append one record; `lines` are (label, value) pairs of its computation."""
    return LEDGER.append(
        kind=kind,
        subsidy_id=subsidy.id,
        id_hmac=subsidy.id_hmac,
        park_code=park_code,
        amount=subsidy.amount,
        rule_version=subsidy.rule_id,
        actor=actor_name[:150],
        recorded_at=timezone.now(),
        children=[{"label": label, "value": str(value)} for label, value in lines],
    )


def ledger_verify():
    return LEDGER.verify()


def ledger_verify_one(*, seq: int, digest: str) -> bool:
    return LEDGER.verify_one(seq=seq, digest=digest)


def ledger_head_at(moment):
    return LEDGER.head_at(moment)
