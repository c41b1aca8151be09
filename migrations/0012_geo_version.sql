-- 0012: a counter of changes to the polygons a filing is checked against (the areas
-- and the municipality's boundary), bumped in the same transaction as each change.
-- The server keeps those polygons in memory as a point-in-polygon index
-- (geo/polyindex.c) and builds it again when this number moves, so that a filing
-- asks no GEOS question of the whole boundary (issue 13).

-- salt tells one database from another (two fresh databases both start at version
-- 1): the index in memory belongs to (salt, version).
CREATE TABLE geo_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    salt    INTEGER NOT NULL,
    version INTEGER NOT NULL
);
INSERT INTO geo_version (id, salt, version) VALUES (1, random(), 1);

CREATE TRIGGER geo_version_areas_insert AFTER INSERT ON areas
BEGIN UPDATE geo_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER geo_version_areas_update AFTER UPDATE OF geom ON areas
BEGIN UPDATE geo_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER geo_version_areas_delete AFTER DELETE ON areas
BEGIN UPDATE geo_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER geo_version_municipality_insert AFTER INSERT ON municipality
BEGIN UPDATE geo_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER geo_version_municipality_update AFTER UPDATE OF geom ON municipality
BEGIN UPDATE geo_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER geo_version_municipality_delete AFTER DELETE ON municipality
BEGIN UPDATE geo_version SET version = version + 1 WHERE id = 1; END;
