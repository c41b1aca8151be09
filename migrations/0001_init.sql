-- 0001: spatial metadata, reference data and observations.
-- Applied inside one transaction by server/migrate.c; SpatiaLite is loaded.

SELECT InitSpatialMetadata(0, 'NONE');
SELECT InsertEpsgSrid(4326);
SELECT InsertEpsgSrid(3006);

CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The municipality this instance serves (one row). Observations outside it are refused.
CREATE TABLE municipality (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    code TEXT NOT NULL,
    name TEXT NOT NULL
);
SELECT AddGeometryColumn('municipality', 'geom', 4326, 'MULTIPOLYGON', 'XY');

-- Responsible bodies (Swedish: enhet).
CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    email        TEXT,
    webhook_url  TEXT,
    internal     INTEGER NOT NULL DEFAULT 1 CHECK (internal IN (0, 1))
);

-- Observation categories. kind 'good' records places that feel safe.
CREATE TABLE categories (
    code            TEXT PRIMARY KEY,
    name_sv         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    icon            TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT 'problem' CHECK (kind IN ('problem', 'good')),
    default_unit_id INTEGER REFERENCES units(id),
    sort_order      INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1
);

INSERT INTO categories (code, name_sv, name_en, icon, kind, sort_order) VALUES
 ('lighting',   'Belysning',                 'Lighting',                   'lamp',      'problem', 10),
 ('litter',     'Skräp och nedskräpning',    'Litter and dumping',         'trash',     'problem', 20),
 ('graffiti',   'Klotter och skadegörelse',  'Graffiti and vandalism',     'spray',     'problem', 30),
 ('vegetation', 'Växtlighet skymmer',        'Vegetation blocking view',   'tree',      'problem', 40),
 ('path',       'Gång- och cykelväg',        'Walking and cycling path',   'path',      'problem', 50),
 ('traffic',    'Trafik',                    'Traffic',                    'car',       'problem', 60),
 ('hidden',     'Öde eller dold plats',      'Desolate or hidden place',   'eye',       'problem', 70),
 ('signage',    'Skyltning och orientering', 'Signage and orientation',    'sign',      'problem', 80),
 ('furniture',  'Möbler och lekplatser',     'Furniture and play areas',   'bench',     'problem', 90),
 ('safe_place', 'Här känns det tryggt',      'This place feels safe',      'heart',     'good',   100),
 ('other',      'Annat',                     'Other',                      'dots',      'problem',110);

-- Local network areas (nätverk, ortsråd, område).
CREATE TABLE areas (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
SELECT AddGeometryColumn('areas', 'geom', 4326, 'MULTIPOLYGON', 'XY');
SELECT CreateSpatialIndex('areas', 'geom');

-- Safety walks; residents join with the short code.
CREATE TABLE walks (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    title     TEXT NOT NULL,
    area_id   INTEGER REFERENCES areas(id),
    starts_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Observations: public columns only. Contact details live in reporters.
CREATE TABLE observations (
    id            INTEGER PRIMARY KEY,
    client_id     TEXT NOT NULL UNIQUE,
    category      TEXT NOT NULL REFERENCES categories(code),
    lon           REAL NOT NULL,
    lat           REAL NOT NULL,
    accuracy_m    REAL,
    e             REAL NOT NULL,
    n             REAL NOT NULL,
    observed_at   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    description   TEXT,
    unsafe_rating INTEGER CHECK (unsafe_rating BETWEEN 1 AND 5),
    light         TEXT NOT NULL CHECK (light IN ('day', 'twilight', 'dark')),
    sun_elevation REAL NOT NULL,
    walk_id       INTEGER REFERENCES walks(id),
    area_id       INTEGER REFERENCES areas(id),
    status        TEXT NOT NULL DEFAULT 'new'
);
SELECT AddGeometryColumn('observations', 'geom', 4326, 'POINT', 'XY');
SELECT CreateSpatialIndex('observations', 'geom');
SELECT AddGeometryColumn('observations', 'geom_sweref', 3006, 'POINT', 'XY');
SELECT CreateSpatialIndex('observations', 'geom_sweref');
CREATE INDEX observations_category_id ON observations(category, id);
CREATE INDEX observations_observed_at ON observations(observed_at);
CREATE INDEX observations_en ON observations(e, n);         -- "nearby" in metres
CREATE INDEX observations_status ON observations(status);

-- Personal data, kept apart so that no public query can reach it by accident.
CREATE TABLE reporters (
    observation_id INTEGER PRIMARY KEY REFERENCES observations(id) ON DELETE CASCADE,
    name  TEXT,
    email TEXT,
    phone TEXT
);

CREATE TABLE photos (
    id             TEXT PRIMARY KEY,          -- 128-bit random hex, also the file name
    observation_id INTEGER NOT NULL REFERENCES observations(id) ON DELETE CASCADE,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    bytes          INTEGER NOT NULL,
    thumb_bytes    INTEGER NOT NULL,
    client_key     TEXT,                      -- Idempotency-Key of the upload: a retry stores nothing new
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX photos_observation ON photos(observation_id);
CREATE UNIQUE INDEX photos_client_key ON photos(observation_id, client_key) WHERE client_key IS NOT NULL;

-- "Me too": residents adding their voice to an existing report instead of filing a duplicate.
CREATE TABLE supports (
    observation_id INTEGER NOT NULL REFERENCES observations(id) ON DELETE CASCADE,
    client_id      TEXT NOT NULL,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (observation_id, client_id)
);
