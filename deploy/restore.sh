#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into a database, replacing what it holds.
#
#   deploy/restore.sh /var/backups/portail-dife/dife-20260101-020000.dump postgres://dife@db:5432/dife --yes
#
# Stop the app servers (or point them elsewhere) first. The restore runs in one transaction:
# on any error nothing is changed. Then run `manage.py migrate` if the code is newer than the dump.
set -euo pipefail

if [[ $# -lt 3 || "$3" != "--yes" ]]; then
  echo "usage: $0 DUMP_FILE TARGET_DATABASE_URL --yes   (replaces the target database's content)" >&2
  exit 2
fi
dump=$1
target=$2

pg_restore --list "$dump" >/dev/null
pg_restore --clean --if-exists --no-owner --no-acl --exit-on-error --single-transaction \
  --dbname="$target" "$dump"
echo "restored $dump into ${target##*/}"
