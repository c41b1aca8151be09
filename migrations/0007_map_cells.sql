-- 0007: the public map at national scale (issue 13) — multi-resolution aggregates of
-- the public observations on the Web Mercator grid, kept current by triggers in the
-- same transaction as every write (so bulk-seeded rows are counted too), and a
-- counter of changes to what the public sees, for ETags.
--
-- A cell at level L is a tile of the slippy-map grid at zoom L: 2^L cells across the
-- world, x eastwards from -180, y southwards from +85.05 (geo/grid.c). Each public
-- observation is counted at every level of map_levels, three times per level:
-- status '' month '' (everything), its status with month '' (the status filter), and
-- status '*' with its month 'YYYY-MM' of observed_at in UTC (the period filter; the
-- month comes after the cell in the key, so a period of many months is read with one
-- seek per column of cells, not one per month).
-- The cell index is computed once, at level 18, with exactly the arithmetic of
-- grid_cell_index() (so the server's bbox arithmetic agrees with it bit for bit),
-- and the coarser levels by shifting: cells nest exactly.
-- sum_id is the sum of the ids: the id of a cell that holds one observation.

CREATE TABLE map_levels (
    level INTEGER PRIMARY KEY,
    shift INTEGER NOT NULL               -- 18 - level
);
INSERT INTO map_levels (level, shift) VALUES
 (4, 14), (6, 12), (8, 10), (10, 8), (12, 6), (14, 4), (16, 2), (18, 0);

-- The three rows each observation is counted in, per level.
CREATE TABLE map_dims (
    d INTEGER PRIMARY KEY CHECK (d IN (0, 1, 2))   -- 0 all, 1 by status, 2 by month
);
INSERT INTO map_dims (d) VALUES (0), (1), (2);

CREATE TABLE map_cells (
    level    INTEGER NOT NULL,
    status   TEXT NOT NULL,              -- '' every status, all time; a state, all time;
                                         -- '*' every status, in month
    month    TEXT NOT NULL,              -- '' = all time, else 'YYYY-MM' (UTC)
    cx       INTEGER NOT NULL,
    cy       INTEGER NOT NULL,
    category TEXT NOT NULL,
    n        INTEGER NOT NULL,
    sum_lon  REAL NOT NULL,
    sum_lat  REAL NOT NULL,
    sum_id   INTEGER NOT NULL,
    PRIMARY KEY (level, status, cx, cy, month, category)
) WITHOUT ROWID;

-- Bumped by every write that can change a public answer (observations, photos, "me
-- too", cases, public comments, and the names the public view shows): the ETags of
-- the public map, list and report pages are made from it.
CREATE TABLE public_data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO public_data_version (id, version) VALUES (1, 1);

-- ---- map_cells maintenance ---------------------------------------------------
-- The level-18 cell of (lon, lat): grid_cell_index(lon, lat, 16, 4) in SQL; the
-- constants are GRID_PI / 180 and GRID_PI as C doubles, printed with %.17g.

CREATE TRIGGER map_cells_insert AFTER INSERT ON observations WHEN NEW.public = 1
BEGIN
    INSERT INTO map_cells (level, status, month, cx, cy, category, n, sum_lon, sum_lat, sum_id)
    SELECT l.level, CASE d.d WHEN 1 THEN NEW.status WHEN 2 THEN '*' ELSE '' END,
           CASE d.d WHEN 2 THEN substr(NEW.observed_at, 1, 7) ELSE '' END,
           p.x >> l.shift, p.y >> l.shift, NEW.category, 1, NEW.lon, NEW.lat, NEW.id
    FROM (SELECT max(0, min(262143, CAST(floor((NEW.lon + 180.0) / 360.0 * 262144.0) AS INTEGER))) AS x,
                 max(0, min(262143, CAST(floor((1.0 - asinh(tan(NEW.lat * 0.017453292519943295))
                     / 3.1415926535897931) / 2.0 * 262144.0) AS INTEGER))) AS y) p,
         map_levels l, map_dims d
    WHERE 1
    ON CONFLICT (level, status, cx, cy, month, category) DO UPDATE SET
        n = n + 1, sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat,
        sum_id = sum_id + excluded.sum_id;
END;

-- Takes back what OLD was counted as; emptied cells are removed.
CREATE TRIGGER map_cells_delete AFTER DELETE ON observations WHEN OLD.public = 1
BEGIN
    UPDATE map_cells SET n = n - 1, sum_lon = sum_lon - OLD.lon, sum_lat = sum_lat - OLD.lat,
                         sum_id = sum_id - OLD.id
    WHERE (level, status, month, cx, cy, category) IN (
        SELECT l.level, CASE d.d WHEN 1 THEN OLD.status WHEN 2 THEN '*' ELSE '' END,
               CASE d.d WHEN 2 THEN substr(OLD.observed_at, 1, 7) ELSE '' END,
               p.x >> l.shift, p.y >> l.shift, OLD.category
        FROM (SELECT max(0, min(262143, CAST(floor((OLD.lon + 180.0) / 360.0 * 262144.0) AS INTEGER))) AS x,
                     max(0, min(262143, CAST(floor((1.0 - asinh(tan(OLD.lat * 0.017453292519943295))
                         / 3.1415926535897931) / 2.0 * 262144.0) AS INTEGER))) AS y) p,
             map_levels l, map_dims d);
    DELETE FROM map_cells WHERE n <= 0 AND (level, status, month, cx, cy, category) IN (
        SELECT l.level, CASE d.d WHEN 1 THEN OLD.status WHEN 2 THEN '*' ELSE '' END,
               CASE d.d WHEN 2 THEN substr(OLD.observed_at, 1, 7) ELSE '' END,
               p.x >> l.shift, p.y >> l.shift, OLD.category
        FROM (SELECT max(0, min(262143, CAST(floor((OLD.lon + 180.0) / 360.0 * 262144.0) AS INTEGER))) AS x,
                     max(0, min(262143, CAST(floor((1.0 - asinh(tan(OLD.lat * 0.017453292519943295))
                         / 3.1415926535897931) / 2.0 * 262144.0) AS INTEGER))) AS y) p,
             map_levels l, map_dims d);
END;

-- A change of what the map counts (hidden/shown, state, category, place, time):
-- take back the old row's counts, then count the new one.
CREATE TRIGGER map_cells_update_old AFTER UPDATE OF public, status, category, lon, lat, observed_at
ON observations
WHEN OLD.public = 1 AND (OLD.public IS NOT NEW.public OR OLD.status IS NOT NEW.status
     OR OLD.category IS NOT NEW.category OR OLD.lon IS NOT NEW.lon OR OLD.lat IS NOT NEW.lat
     OR OLD.observed_at IS NOT NEW.observed_at)
BEGIN
    UPDATE map_cells SET n = n - 1, sum_lon = sum_lon - OLD.lon, sum_lat = sum_lat - OLD.lat,
                         sum_id = sum_id - OLD.id
    WHERE (level, status, month, cx, cy, category) IN (
        SELECT l.level, CASE d.d WHEN 1 THEN OLD.status WHEN 2 THEN '*' ELSE '' END,
               CASE d.d WHEN 2 THEN substr(OLD.observed_at, 1, 7) ELSE '' END,
               p.x >> l.shift, p.y >> l.shift, OLD.category
        FROM (SELECT max(0, min(262143, CAST(floor((OLD.lon + 180.0) / 360.0 * 262144.0) AS INTEGER))) AS x,
                     max(0, min(262143, CAST(floor((1.0 - asinh(tan(OLD.lat * 0.017453292519943295))
                         / 3.1415926535897931) / 2.0 * 262144.0) AS INTEGER))) AS y) p,
             map_levels l, map_dims d);
    DELETE FROM map_cells WHERE n <= 0 AND (level, status, month, cx, cy, category) IN (
        SELECT l.level, CASE d.d WHEN 1 THEN OLD.status WHEN 2 THEN '*' ELSE '' END,
               CASE d.d WHEN 2 THEN substr(OLD.observed_at, 1, 7) ELSE '' END,
               p.x >> l.shift, p.y >> l.shift, OLD.category
        FROM (SELECT max(0, min(262143, CAST(floor((OLD.lon + 180.0) / 360.0 * 262144.0) AS INTEGER))) AS x,
                     max(0, min(262143, CAST(floor((1.0 - asinh(tan(OLD.lat * 0.017453292519943295))
                         / 3.1415926535897931) / 2.0 * 262144.0) AS INTEGER))) AS y) p,
             map_levels l, map_dims d);
END;

CREATE TRIGGER map_cells_update_new AFTER UPDATE OF public, status, category, lon, lat, observed_at
ON observations
WHEN NEW.public = 1 AND (OLD.public IS NOT NEW.public OR OLD.status IS NOT NEW.status
     OR OLD.category IS NOT NEW.category OR OLD.lon IS NOT NEW.lon OR OLD.lat IS NOT NEW.lat
     OR OLD.observed_at IS NOT NEW.observed_at)
BEGIN
    INSERT INTO map_cells (level, status, month, cx, cy, category, n, sum_lon, sum_lat, sum_id)
    SELECT l.level, CASE d.d WHEN 1 THEN NEW.status WHEN 2 THEN '*' ELSE '' END,
           CASE d.d WHEN 2 THEN substr(NEW.observed_at, 1, 7) ELSE '' END,
           p.x >> l.shift, p.y >> l.shift, NEW.category, 1, NEW.lon, NEW.lat, NEW.id
    FROM (SELECT max(0, min(262143, CAST(floor((NEW.lon + 180.0) / 360.0 * 262144.0) AS INTEGER))) AS x,
                 max(0, min(262143, CAST(floor((1.0 - asinh(tan(NEW.lat * 0.017453292519943295))
                     / 3.1415926535897931) / 2.0 * 262144.0) AS INTEGER))) AS y) p,
         map_levels l, map_dims d
    WHERE 1
    ON CONFLICT (level, status, cx, cy, month, category) DO UPDATE SET
        n = n + 1, sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat,
        sum_id = sum_id + excluded.sum_id;
END;

-- ---- public_data_version -------------------------------------------------------

CREATE TRIGGER public_version_obs_insert AFTER INSERT ON observations
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_obs_update AFTER UPDATE ON observations
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_obs_delete AFTER DELETE ON observations
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_photos_insert AFTER INSERT ON photos
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_photos_update AFTER UPDATE ON photos
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_photos_delete AFTER DELETE ON photos
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_supports_insert AFTER INSERT ON supports
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_supports_delete AFTER DELETE ON supports
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_cases_update AFTER UPDATE ON cases
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_cases_delete AFTER DELETE ON cases
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_events_insert AFTER INSERT ON case_events WHEN NEW.public = 1
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_events_update AFTER UPDATE ON case_events
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_events_delete AFTER DELETE ON case_events
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_units_update AFTER UPDATE ON units
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_areas_update AFTER UPDATE ON areas
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_areas_delete AFTER DELETE ON areas
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_walks_update AFTER UPDATE OF code ON walks
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER public_version_categories AFTER UPDATE ON categories
BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;

-- ---- the observations already filed --------------------------------------------
-- (the same counting as the triggers; `trygg map-rebuild` does it again at any time)

CREATE TEMP TABLE map_points AS
SELECT id, lon, lat, category, status, substr(observed_at, 1, 7) AS month,
       max(0, min(262143, CAST(floor((lon + 180.0) / 360.0 * 262144.0) AS INTEGER))) AS x,
       max(0, min(262143, CAST(floor((1.0 - asinh(tan(lat * 0.017453292519943295))
           / 3.1415926535897931) / 2.0 * 262144.0) AS INTEGER))) AS y
FROM observations WHERE public = 1;
INSERT INTO map_cells (level, status, month, cx, cy, category, n, sum_lon, sum_lat, sum_id)
SELECT l.level, CASE d.d WHEN 1 THEN p.status WHEN 2 THEN '*' ELSE '' END, CASE d.d WHEN 2 THEN p.month ELSE '' END,
       p.x >> l.shift, p.y >> l.shift, p.category, count(*), sum(p.lon), sum(p.lat), sum(p.id)
FROM map_points p, map_levels l, map_dims d
GROUP BY 1, 2, 3, 4, 5, 6;
DROP TABLE temp.map_points;
