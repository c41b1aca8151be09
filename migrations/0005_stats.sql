-- 0005: the situation picture (issue 11) — statistics answered from aggregates that the
-- filing and every case change keep current in their own transaction (server/store/stats_store.c),
-- and the city's own yearly indicators per area.
--
-- Periods are Swedish local dates and their keys: day '2026-11-24', week '2026-W48' (ISO),
-- month '2026-11', quarter '2026-Q4', year '2026'. area_id 0 = outside every area,
-- unit_id 0 = no unit (unrouted).

-- What each observation was counted as, so that a change or a removal takes back exactly that.
CREATE TABLE stats_observations (
    observation_id INTEGER PRIMARY KEY,   -- no foreign key: a removed observation is taken back first
    day      TEXT NOT NULL,               -- local date of observed_at
    area_id  INTEGER NOT NULL,
    category TEXT NOT NULL,
    source   TEXT NOT NULL CHECK (source IN ('resident', 'walk', 'staff')),
    rating   INTEGER NOT NULL,            -- "how unsafe" 1..5, 0 = not given
    e        REAL NOT NULL,               -- SWEREF 99 TM
    n        REAL NOT NULL
);

-- Observations per period x area x category x source, at five grains.
CREATE TABLE stats_counts (
    grain      TEXT NOT NULL CHECK (grain IN ('day', 'week', 'month', 'quarter', 'year')),
    period     TEXT NOT NULL,
    area_id    INTEGER NOT NULL,
    category   TEXT NOT NULL,
    source     TEXT NOT NULL,
    n          INTEGER NOT NULL,
    rated      INTEGER NOT NULL,          -- how many of them have an unsafe rating
    rating_sum INTEGER NOT NULL,
    PRIMARY KEY (grain, period, area_id, category, source)
) WITHOUT ROWID;

-- Observations per square SWEREF 99 TM cell (south-west corner cell_e, cell_n; side cell_m).
CREATE TABLE stats_cells (
    cell_m   INTEGER NOT NULL,
    grain    TEXT NOT NULL CHECK (grain IN ('day', 'month', 'quarter', 'year')),
    period   TEXT NOT NULL,
    cell_e   INTEGER NOT NULL,
    cell_n   INTEGER NOT NULL,
    area_id  INTEGER NOT NULL,
    category TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (cell_m, grain, period, cell_e, cell_n, area_id, category)
) WITHOUT ROWID;

-- What each case was counted as (the unit holding it now gets all of it).
CREATE TABLE stats_cases (
    case_id    INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL,
    area_id    INTEGER NOT NULL,
    category   TEXT NOT NULL,
    opened_day TEXT NOT NULL,             -- local date the case was opened (filed)
    closed     TEXT CHECK (closed IN ('resolved', 'rejected', 'duplicate')),  -- NULL: open
    closed_day TEXT,
    hours      INTEGER,                   -- resolved: hours from opening to resolution, rounded up
    on_time    INTEGER                    -- resolved: 1 by its due date, 0 after, NULL without one
);

-- The workflow per period x unit x area x category. "opened" and "opened_resolved" count at
-- the day the case was opened, the rest at the day it was closed.
CREATE TABLE stats_flow (
    grain           TEXT NOT NULL CHECK (grain IN ('day', 'month', 'quarter', 'year')),
    period          TEXT NOT NULL,
    unit_id         INTEGER NOT NULL,
    area_id         INTEGER NOT NULL,
    category        TEXT NOT NULL,
    opened          INTEGER NOT NULL,
    opened_resolved INTEGER NOT NULL,     -- of the cases opened then, how many are resolved now
    resolved        INTEGER NOT NULL,
    rejected        INTEGER NOT NULL,
    with_due        INTEGER NOT NULL,     -- resolved cases that had a due date ...
    on_time         INTEGER NOT NULL,     -- ... and of those, resolved by it
    PRIMARY KEY (grain, period, unit_id, area_id, category)
) WITHOUT ROWID;

-- Times to resolve as a histogram of whole hours, at the day of the resolution.
CREATE TABLE stats_ttr (
    grain    TEXT NOT NULL CHECK (grain IN ('day', 'month', 'quarter', 'year')),
    period   TEXT NOT NULL,
    unit_id  INTEGER NOT NULL,
    area_id  INTEGER NOT NULL,
    category TEXT NOT NULL,
    hours    INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (grain, period, unit_id, area_id, category, hours)
) WITHOUT ROWID;

-- The aggregates' own state: 'rebuild' = 1 asks for a rebuild (done when the database is
-- next opened by trygg), 'cells' the cell sizes the stats_cells rows were counted with.
CREATE TABLE stats_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO stats_meta (key, value) VALUES ('rebuild', '1'), ('cells', '');

-- The city's own yearly indicators per area (safety survey, reported crime, ...),
-- imported from CSV with `trygg import-indicators`.
CREATE TABLE indicators (
    area_id    INTEGER NOT NULL REFERENCES areas(id),
    year       INTEGER NOT NULL,
    indicator  TEXT NOT NULL,
    value      REAL NOT NULL,
    source     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (area_id, year, indicator)
);
CREATE INDEX indicators_indicator ON indicators(indicator, year);
