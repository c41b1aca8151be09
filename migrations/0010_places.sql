-- 0010: named places (issue 10): a small gazetteer of the instance's well-known
-- places (squares, stations, centres) so that a pin can be described as
-- "Norrby, 120 m north-east of Norrby torg" instead of raw decimals. The point is
-- kept in WGS 84 and in SWEREF 99 TM, where distances are measured in metres.

CREATE TABLE places (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200)
);
SELECT AddGeometryColumn('places', 'geom', 4326, 'POINT', 'XY');
SELECT AddGeometryColumn('places', 'geom_sweref', 3006, 'POINT', 'XY');
SELECT CreateSpatialIndex('places', 'geom_sweref');
