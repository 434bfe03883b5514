from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("store", "0002_demo_product")]

    operations = [
        migrations.AddField(model_name="order", name="sent_to",
                            field=models.CharField(blank=True, max_length=32)),
    ]
