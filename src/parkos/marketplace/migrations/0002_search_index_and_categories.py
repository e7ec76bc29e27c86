from django.db import migrations


def create_search_index(apps, schema_editor):
    from parkos.marketplace.search import create_index_sql

    for statement in create_index_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_search_index(apps, schema_editor):
    from parkos.marketplace.search import drop_index_sql

    for statement in drop_index_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def seed_categories(apps, schema_editor):
    from parkos.marketplace.categories import categories_seed

    categories_seed(apps.get_model("marketplace", "Category"))


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_catalogue_orders_vouchers")]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(seed_categories, migrations.RunPython.noop),
    ]
