from datetime import date
from decimal import Decimal

from django.db import migrations

from parkos.core.hashchain import append_only_operation


def first_rule(apps, schema_editor):
    # The article's rule: 30% of the price of a first home in the district, at most 600,000
    # CNY, for talent who arrived within three years.
    SubsidyRule = apps.get_model("talent", "SubsidyRule")
    SubsidyRule.objects.get_or_create(
        version=1,
        defaults={
            "rate": Decimal("0.3000"),
            "cap": Decimal("600000.00"),
            "window_years": 3,
            "in_force_from": date(2020, 1, 1),
            "note": "30% × 购房价格，最高 60 万元；三年内新引进人才",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("talent", "0001_initial")]

    operations = [
        append_only_operation("talent_ledgerrecord", "talent_ledgerline"),
        migrations.RunPython(first_rule, migrations.RunPython.noop),
    ]
