#!/bin/sh
# write_bench.sh — durable ingest with and without group commit, beside the raw
# single-row-commit baseline (issue 13). Not part of the test run.
#
#   tests/bench/write_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
#
# For each of group_commit_max_batch = 0 (every request commits alone) and 128:
# a fresh database (migrations + demo data), the real server on loopback, and
# wrk POSTing new observations (tests/bench/write_post.lua). Then one C process
# inserting single rows, one commit each, into the same schema with the same
# durability (write_raw_insert). Needs wrk (Debian: apt-get install wrk).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
seconds=${2:-10}
conns=${3:-64}
cmake --build "$build" --target trygg write_raw_insert >/dev/null
bin="$build/trygg"
tmp=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
port=$((20000 + $$ % 20000))

for batch in 0 128; do
    db="$tmp/g$batch.db"
    cat >"$tmp/g$batch.conf" <<CONF
rate_observations_per_minute = 1000000
max_connections_per_address = 4096
access_log = errors
group_commit_max_batch = $batch
CONF
    TRYGG_CONFIG="$tmp/g$batch.conf" TRYGG_DATA_DIR="$tmp/files$batch" "$bin" seed-demo --db "$db" >/dev/null
    TRYGG_CONFIG="$tmp/g$batch.conf" TRYGG_DATA_DIR="$tmp/files$batch" \
        "$bin" serve --listen "127.0.0.1:$port" --db "$db" >"$tmp/server$batch.log" 2>&1 &
    pid=$!
    i=0
    until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -gt 100 ] && { echo "server did not start" >&2; cat "$tmp/server$batch.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "== POST /api/v1/observations, $conns connections, ${seconds}s, group_commit_max_batch=$batch"
    wrk -t2 -c"$conns" -d"${seconds}s" -s "$here/write_post.lua" "http://127.0.0.1:$port" |
        grep -E "answered|Non-2xx|Socket errors"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
    grep -h "group commit:" "$tmp/server$batch.log" || true
    python3 - "$db" <<PY
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
n, d = con.execute("SELECT count(*), count(DISTINCT client_id) FROM observations WHERE description = 'wrk'").fetchone()
c = con.execute("SELECT count(*) FROM cases JOIN observations o ON o.id = observation_id WHERE o.description = 'wrk'").fetchone()[0]
print("stored: %d observations (%d distinct client ids), %d cases" % (n, d, c))
PY
    port=$((port + 1))
done

echo "== raw baseline: one C process, single-row commits, same schema and durability, ${seconds}s"
"$build/trygg" migrate --db "$tmp/raw.db" >/dev/null
"$build/write_raw_insert" "$tmp/raw.db" "$seconds"
