#!/bin/sh
# write_seed.sh — a database with N observations for the paging measurements of
# issue 13 (tests/bench/write_paging.sh).
#
#   tests/bench/write_seed.sh BUILD_DIR DB [N]      (N defaults to 1000000)
#
# The schema comes from the server itself (`trygg seed-demo`: migrations and the
# Borås demo data); then one bulk INSERT ... SELECT (sqlite3 with mod_spatialite)
# adds N observations in the municipality — half around the town centre, the rest
# over the municipality's box — in every category, over ten years, each with a case
# (every state and priority, three in four with a due date). SWEREF 99 TM
# coordinates are a linear approximation: right for timing, not for maps. No
# ANALYZE: the server never runs one, so the plans are the ones it would use.
set -eu
build=$1
db=$2
n=${3:-1000000}
rm -f "$db" "$db-wal" "$db-shm"
TRYGG_DATA_DIR="$(dirname "$db")/files" "$build/trygg" seed-demo --db "$db" >/dev/null 2>&1
start=$(date +%s)
sqlite3 "$db" <<SQL
.load mod_spatialite
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
CREATE TEMP TABLE cats AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, code FROM categories;
BEGIN;
WITH pts AS MATERIALIZED (SELECT value AS i, -- once: random() must not run again per use
  CASE WHEN value % 2 = 0 THEN 12.94 + ((abs(random()) % 20001) - 10000) / 10000.0 * 0.03
       ELSE 12.65 + (abs(random()) % 10001) / 10000.0 * 0.70 END AS lon,
  CASE WHEN value % 2 = 0 THEN 57.72 + ((abs(random()) % 20001) - 10000) / 10000.0 * 0.015
       ELSE 57.55 + (abs(random()) % 10001) / 10000.0 * 0.35 END AS lat,
  strftime('%Y-%m-%dT%H:%M:%SZ', 1479000000 + (abs(random()) % 315360000), 'unixepoch') AS t
  FROM generate_series(1, $n))
INSERT INTO observations (client_id, category, lon, lat, accuracy_m, e, n, observed_at,
  created_at, description, light, sun_elevation, geom, geom_sweref, approved_at)
SELECT printf('5eed5eed-0000-4000-8000-%012d', i),
  (SELECT code FROM cats WHERE cats.i = pts.i % (SELECT count(*) FROM cats)),
  lon, lat, 10, 330000 + (lon - 12.94) * 59500, 6401000 + (lat - 57.72) * 111300, t, t,
  'seeded ' || i, CASE i % 3 WHEN 0 THEN 'dark' WHEN 1 THEN 'day' ELSE 'twilight' END, -5,
  MakePoint(lon, lat, 4326),
  MakePoint(330000 + (lon - 12.94) * 59500, 6401000 + (lat - 57.72) * 111300, 3006), t
FROM pts;
INSERT INTO cases (observation_id, state, priority, due_at, created_at, updated_at)
SELECT id, CASE id % 7 WHEN 0 THEN 'new' WHEN 1 THEN 'acknowledged' WHEN 2 THEN 'assigned'
  WHEN 3 THEN 'in_progress' WHEN 4 THEN 'resolved' WHEN 5 THEN 'rejected' ELSE 'new' END,
  1 + id % 3, CASE WHEN id % 4 = 0 THEN NULL
  ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 1479000000 + (id * 7919) % 315360000, 'unixepoch') END,
  created_at, created_at FROM observations WHERE description LIKE 'seeded %';
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
.print
SQL
echo "seeded $n observations with cases in $(( $(date +%s) - start )) s"
