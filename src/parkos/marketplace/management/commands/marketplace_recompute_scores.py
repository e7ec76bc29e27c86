from django.core.management.base import BaseCommand

from parkos.marketplace.services.quality import provider_scores_recompute
from parkos.marketplace.services.vouchers import grants_expire


class Command(BaseCommand):
    help = "Recompute provider quality scores (and expire overdue voucher grants)."

    def handle(self, *args, **options):
        expired = grants_expire()
        changed = provider_scores_recompute()
        self.stdout.write(f"scores changed: {changed}; grants expired: {expired}")
