from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mailing", "0002_outgoing_attachment")]

    operations = [
        migrations.CreateModel(
            name="DeferredEmail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("preparer", models.CharField(max_length=100, verbose_name="préparation")),
                ("to", models.EmailField(max_length=254, verbose_name="adresse demandée")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="demandé le")),
            ],
            options={
                "verbose_name": "courriel à préparer",
                "verbose_name_plural": "courriels à préparer",
                "ordering": ["pk"],
            },
        ),
    ]
