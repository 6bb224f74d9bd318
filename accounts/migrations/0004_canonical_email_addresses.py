"""Stored addresses in the one spelling sign-in now looks up exactly (accounts.email_addresses).

Sign-in used to compare case-insensitively in the database; an address saved with capitals (by hand in the
admin) must keep signing in. An address whose canonical spelling is already another account's is left as it
is (and reported), for staff to merge by hand."""

import unicodedata

from django.db import migrations


def canonical_email(value):  # frozen copy of accounts.email_addresses.canonical_email
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value.strip()).casefold())


def canonicalise(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken = set(User._base_manager.values_list("email", flat=True))
    for pk, email in User._base_manager.values_list("pk", "email").iterator():
        canonical = canonical_email(email)
        if canonical == email:
            continue
        if canonical in taken:
            print(f"\n  accounts.User {pk}: another account already uses the canonical spelling of its address")
            continue
        User._base_manager.filter(pk=pk).update(email=canonical)
        taken.add(canonical)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_merge_activation_and_identity")]

    operations = [migrations.RunPython(canonicalise, migrations.RunPython.noop)]
