from decimal import Decimal

from django.db import migrations


def create_product(apps, schema_editor):
    Product = apps.get_model("store", "Product")
    if not Product.objects.exists():
        Product.objects.create(name="Call Credit", price=Decimal("2.50"), currency="USD",
                               description="Airtime for any network. Paid through FloCash "
                                           "(the local vpos-sandbox: no money moves).")


class Migration(migrations.Migration):
    dependencies = [("store", "0001_initial")]
    operations = [migrations.RunPython(create_product, migrations.RunPython.noop)]
