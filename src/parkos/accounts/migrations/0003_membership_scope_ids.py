"""Memberships hold their park and enterprise as plain ids instead of foreign keys into the
park network (accounts sits below it). The column stays `park_id` / `enterprise_id` with
the same UUIDs in it: only the database's foreign-key constraint goes."""

import parkos.accounts.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='membership',
            name='enterprise',
            field=parkos.accounts.fields.ReferenceIdField(blank=True, db_index=True, null=True, verbose_name='enterprise'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='park',
            field=parkos.accounts.fields.ReferenceIdField(blank=True, db_index=True, null=True, verbose_name='park'),
        ),
    ]
