#!/usr/bin/env bash
# Back up the portal's PostgreSQL database: one custom-format dump, checked readable, old ones pruned.
#
#   DATABASE_URL=postgres://dife@db.internal:5432/dife BACKUP_DIR=/var/backups/portail-dife deploy/backup.sh
#
# Prints the path of the new dump. BACKUP_KEEP_DAYS (default 35) bounds how long dumps are kept:
# they hold personal data, so they follow the same retention as the database (docs/deployment.md).
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must be set (postgres://user@host:port/name)}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/portail-dife}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-35}

umask 077
mkdir -p "$BACKUP_DIR"
target="$BACKUP_DIR/dife-$(date +%Y%m%d-%H%M%S).dump"

pg_dump --format=custom --compress=6 --no-owner --no-acl --file="$target.partial" "$DATABASE_URL"
# A dump that pg_restore cannot list is not a backup.
pg_restore --list "$target.partial" >/dev/null
mv "$target.partial" "$target"
find "$BACKUP_DIR" -maxdepth 1 -name 'dife-*.dump' -mtime +"$KEEP_DAYS" -delete
echo "$target"
