# Gateway choices with PayPal REST (Orders v2, issue #19), and room in Notification.status_code for
# its webhooks' event types (PAYMENT.AUTHORIZATION.CREATED: 29 characters).

from django.db import migrations, models

CHOICES = [('flocash', 'FloCash'), ('redsys', 'Redsys'), ('paypal', 'PayPal'), ('ceca', 'CECA'), ('elavon', 'Santander Elavon'), ('bitpay', 'Bitpay'), ('paypal_rest', 'PayPal (Orders v2)')]


class Migration(migrations.Migration):

    dependencies = [
        ('vpos', '0010_refund_idempotency_key'),
    ]

    operations = [
        migrations.AlterField(
            model_name='merchantaccount',
            name='gateway',
            field=models.CharField(choices=CHOICES, db_index=True, max_length=32),
        ),
        migrations.AlterField(
            model_name='notification',
            name='gateway',
            field=models.CharField(choices=CHOICES, db_index=True, max_length=32),
        ),
        migrations.AlterField(
            model_name='notification',
            name='status_code',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='payment',
            name='gateway',
            field=models.CharField(choices=CHOICES, db_index=True, default='flocash', max_length=32),
        ),
    ]
