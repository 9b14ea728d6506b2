#!/usr/bin/env bash
# Run a command beside a throwaway PostgreSQL cluster on loopback, with
# POLICYBUILDER_TEST_DATABASE_URL pointing at an empty database in it.
# The cluster lives in a temporary folder (its unix socket too) and is stopped and removed
# when the command ends, also when it fails or is interrupted. Installs Debian's PostgreSQL if missing.
#   scripts/with-postgres.sh .venv/bin/python -m pytest tests/wizard
set -euo pipefail

postgres_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then dirname "$(command -v pg_ctl)"; return 0; fi
  return 1
}

bin=$(postgres_bin) || {
  if [ "$(id -u)" -ne 0 ]; then echo "PostgreSQL is missing (sudo apt-get install postgresql)" >&2; exit 1; fi
  echo "Installing Debian's PostgreSQL"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bin=$(postgres_bin)
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/policybuilder-pg.XXXXXX")
as_owner=()
if [ "$(id -u)" -eq 0 ]; then  # PostgreSQL refuses to run as root
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi
stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# A test cluster: no durability needed, so no fsync.
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start \
  || { cat "$dir/server.log" >&2; exit 1; }
"${as_owner[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres policybuilder_test
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (stopped when the command ends)"

export POLICYBUILDER_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/policybuilder_test"
"$@"
