"""Both staff groups read the funding log on Mon Compte Formation, as they read the dossier log."""

from django.db import migrations

GROUPS = ["Gestionnaire formations", "Vérification d'identité"]


def grant(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate): create them now.
    create_permissions(global_apps.get_app_config("enrolment"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="enrolment", codename="view_fundinglog")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="enrolment", codename="view_fundinglog").first()
    if permission is not None:
        for group in Group.objects.filter(name__in=GROUPS):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0005_funding_track")]

    operations = [migrations.RunPython(grant, revoke)]
