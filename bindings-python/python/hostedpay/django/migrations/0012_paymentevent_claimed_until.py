# The claim of a payment event by the process that stored it (issue #23 item 5): the notification
# view delivers its event right after the commit without reading it back under a row lock first;
# vpos_deliver_events leaves an event alone until its claim is past.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('vpos', '0011_paypal_rest'),
    ]

    operations = [
        migrations.AddField(
            model_name='paymentevent',
            name='claimed_until',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
