#!/bin/sh
# write_paging.sh — first and deep pages of the public list and the staff queue over a
# seeded database (issue 13). Not part of the test run.
#
#   tests/bench/write_seed.sh build /tmp/big.db 1000000     # once: N observations with cases
#   tests/bench/write_paging.sh build /tmp/big.db [REPEATS]
#
# Starts the server on the database (which applies any newer migration), adds a triage
# user, and runs write_paging.py (p50/p99 of REPEATS sequential requests each). Also
# prints the list's query as it was before keyset paging (the R*Tree's whole answer
# joined and sorted), timed bare in sqlite3, for comparison.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1
db=$2
repeats=${3:-20}
tmp=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
printf 'access_log = errors\n' >"$tmp/c.conf"
export TRYGG_CONFIG="$tmp/c.conf" TRYGG_DATA_DIR="$tmp/files"
echo "benchmark password 123" | "$build/trygg" user add --username "bench$$" --role triage --db "$db" >/dev/null 2>&1
port=$((20000 + $$ % 20000))
start=$(date +%s)
"$build/trygg" serve --listen "127.0.0.1:$port" --db "$db" >"$tmp/server.log" 2>&1 &
pid=$!
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.2; done
echo "server up after $(( $(date +%s) - start )) s (includes migrating the database the first time)"
python3 "$here/write_paging.py" "http://127.0.0.1:$port" "bench$$" "benchmark password 123" "$repeats"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo "== before (bare sqlite3): the old list query, municipality bbox, first page"
sqlite3 "$db" <<'SQL'
.load mod_spatialite
.timer on
SELECT count(*) FROM (SELECT o.id FROM observations o WHERE o.public = 1 AND (1 = 0 OR (o.id IN
  (SELECT rowid FROM SpatialIndex WHERE f_table_name = 'observations' AND f_geometry_column = 'geom'
   AND search_frame = BuildMbr(12.60, 57.50, 13.40, 57.95, 4326)) AND o.lon BETWEEN 12.60 AND 13.40
   AND o.lat BETWEEN 57.50 AND 57.95)) AND (0 = 0 OR o.id < 0) ORDER BY o.id DESC LIMIT 50);
SQL
