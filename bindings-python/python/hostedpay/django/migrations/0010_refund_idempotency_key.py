# The idempotency key of each operation (issue 22 item 4): the core's `operation_key`, recorded
# always and sent where the gateway dedupes a repeat by it (PayPal `MSGSUBID`). Rows from
# before keep an empty key.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('vpos', '0009_capture_amounts'),
    ]

    operations = [
        migrations.AddField(
            model_name='refund',
            name='idempotency_key',
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
    ]
