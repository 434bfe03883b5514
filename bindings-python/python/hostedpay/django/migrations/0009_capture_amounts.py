# Captured and released amounts (issue 22): a capture of less than the authorisation, several
# captures, and the release of the rest. Rows from before keep captured_minor NULL, which the
# core reads as "all of the amount once paid, none before": no data migration is needed.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('vpos', '0008_operation_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='payment',
            name='captured_minor',
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='payment',
            name='released_minor',
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='payment',
            name='multiple_captures',
            field=models.BooleanField(default=False),
        ),
    ]
