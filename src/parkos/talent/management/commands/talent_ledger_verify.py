"""`parkos talent-ledger-verify`: recompute the housing-subsidy ledger's whole hash chain. The
last line printed is one JSON object, {"ok", "records", "first_bad"}, for scripts; the exit
status is 1 when the chain is broken."""

import json
import sys
import time

from django.core.management.base import BaseCommand

from parkos.talent.ledger import ledger_verify


class Command(BaseCommand):
    help = "Verify the housing-subsidy ledger's hash chain; print one JSON line last."

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = ledger_verify()
        elapsed = time.perf_counter() - started
        self.stderr.write(
            f"talent ledger: {result.records} records verified in {elapsed:.2f} s; "
            f"head {result.head[:16]}…"
        )
        self.stdout.write(json.dumps(result.as_dict()))
        if not result.ok:
            sys.exit(1)
