"""The two staff groups of the back-office, with their permissions.

- "Gestionnaire formations": runs the catalogue, the invitations and the dossiers (validate, refuse,
  assisted enrolment, presence, convocations). Sees identity documents' status, never their files.
- "Vérification d'identité": reviews identity documents (opens the files, accepts or rejects them) and
  reads the dossiers they belong to.

A staff member also needs "équipe de la Maison des Maires" (is_staff) ticked to sign in to the admin.
"""

from django.db import migrations

GROUPS = {
    "Gestionnaire formations": {
        "enrolment": ["view_dossier", "add_dossier", "change_dossier", "view_dossierlog"],
        "trainings": [
            "view_training",
            "add_training",
            "change_training",
            "view_session",
            "add_session",
            "change_session",
            "view_invitation",
            "add_invitation",
            "change_invitation",
            "view_theme",
            "add_theme",
            "change_theme",
            "view_organiser",
            "add_organiser",
            "change_organiser",
        ],
        "accounts": [
            "view_user",
            "view_mandate",
            "add_mandate",
            "change_mandate",
            "view_collectivite",
            "change_collectivite",
            "view_identitydocument",
        ],
        "mailing": ["view_outgoingemail"],
    },
    "Vérification d'identité": {
        "accounts": [
            "view_user",
            "view_identitydocument",
            "change_identitydocument",
            "view_identity_files",
            "view_identitydocumentaccess",
        ],
        "enrolment": ["view_dossier", "view_dossierlog"],
    },
}


def create_groups(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate): create them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, by_app in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in by_app.items():
            permissions = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
            missing = set(codenames) - {p.codename for p in permissions}
            if missing:
                raise RuntimeError(f"Missing permissions for {app_label}: {sorted(missing)}")
            group.permissions.add(*permissions)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0003_merge_activation_and_identity"),
        ("trainings", "0002_training_search_text"),
        ("mailing", "0002_outgoing_attachment"),
        ("enrolment", "0003_convocation_sent"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
