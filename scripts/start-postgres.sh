#!/usr/bin/env bash
# Starts the Debian PostgreSQL cluster (creating one if needed) and makes sure the role the tests
# use exists: tollgate/tollgate with CREATEDB (each test creates and drops its own database).
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
cluster=$(pg_lsclusters -h | head -n 1)
read -r ver name port status _ <<<"$cluster"
if [ "$status" != "online" ]; then
  pg_ctlcluster "$ver" "$name" start
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p "$port"
su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tollgate') THEN
    CREATE ROLE tollgate LOGIN CREATEDB PASSWORD 'tollgate';
  END IF;
END $$;
-- Tests drop their databases WITH (FORCE), which must also end autovacuum workers in them.
GRANT pg_signal_backend TO tollgate;
SQL
