from celery import shared_task


@shared_task(name="marketplace.recompute_provider_scores")
def recompute_provider_scores() -> int:
    """Nightly: provider quality scores and the flags shown to the operator."""
    from parkos.marketplace.services.quality import provider_scores_recompute

    return provider_scores_recompute()


@shared_task(name="marketplace.expire_voucher_grants")
def expire_voucher_grants() -> int:
    """Daily: grants past their date give up what is left, through the ledger."""
    from parkos.marketplace.services.vouchers import grants_expire

    return grants_expire()
