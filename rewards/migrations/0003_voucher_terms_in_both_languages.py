from django.db import migrations, models


def copy_terms_from_rewards(apps, schema_editor):
    """Vouchers kept the terms in the language of whoever redeemed them; take both from their reward."""
    Voucher = apps.get_model("rewards", "Voucher")
    for voucher in Voucher.objects.select_related("reward").iterator():
        voucher.terms_fa = voucher.reward.terms_fa
        voucher.terms_en = voucher.reward.terms_en
        voucher.save(update_fields=["terms_fa", "terms_en"])


class Migration(migrations.Migration):
    dependencies = [("rewards", "0002_ledger_append_only")]

    operations = [
        migrations.RenameField(model_name="voucher", old_name="terms", new_name="terms_fa"),
        migrations.AlterField(
            model_name="voucher",
            name="terms_fa",
            field=models.TextField(blank=True, verbose_name="terms (Persian)"),
        ),
        migrations.AddField(
            model_name="voucher",
            name="terms_en",
            field=models.TextField(blank=True, verbose_name="terms (English)"),
        ),
        migrations.RunPython(copy_terms_from_rewards, migrations.RunPython.noop),
    ]
