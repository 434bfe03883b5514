# Operation kinds in the core's words (issue 16): Redsys confirm and Elavon settle are
# `capture`, Redsys cancel and Elavon void are `release`. Reversible: the gateway's own name
# comes back from the payment's gateway.

from django.db import migrations, models

FORWARD = {"confirm": "capture", "settle": "capture", "cancel": "release", "void": "release"}
BACKWARD = {("capture", "elavon"): "settle", ("release", "elavon"): "void",
            ("capture", None): "confirm", ("release", None): "cancel"}


def forward(apps, schema_editor):
    Refund = apps.get_model("vpos", "Refund")
    for old, new in FORWARD.items():
        Refund.objects.filter(kind=old).update(kind=new)


def backward(apps, schema_editor):
    Refund = apps.get_model("vpos", "Refund")
    for kind in ("capture", "release"):
        Refund.objects.filter(kind=kind, payment__gateway="elavon").update(kind=BACKWARD[(kind, "elavon")])
        Refund.objects.filter(kind=kind).update(kind=BACKWARD[(kind, None)])


class Migration(migrations.Migration):

    dependencies = [
        ('vpos', '0007_notification_body_digest'),
    ]

    operations = [
        migrations.AlterField(
            model_name='refund',
            name='kind',
            field=models.CharField(choices=[('refund', 'Refund'), ('capture', 'Capture pre-authorisation'), ('release', 'Release pre-authorisation'), ('charge', 'Charge stored card')], db_index=True, default='refund', max_length=16),
        ),
        migrations.RunPython(forward, backward),
    ]
