from django.db import migrations


def fill_birth_place(apps, schema_editor):
    """Accounts verified by FranceConnect before the codes were put into words: name their birthplace."""
    from accounts import birthplaces

    User = apps.get_model("accounts", "User")
    users = User.objects.filter(birth_place="").exclude(birth_place_code="", birth_country_code="")
    for user in users.iterator():
        place = birthplaces.label(user.birth_place_code, user.birth_country_code)
        if place:
            User.objects.filter(pk=user.pk).update(birth_place=place)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_remove_user_highest_diploma"),
    ]

    operations = [
        migrations.RunPython(fill_birth_place, migrations.RunPython.noop),
    ]
