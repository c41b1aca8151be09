-- 0014: the largest hot spots of a long span without reading every cell (issue 13).
-- stats_cells_all holds a cell's count of all time per area; ranking ten years of
-- a nation's cells still read every one of them (some 550 000 for a million
-- observations) to keep the fifty largest. This table holds each cell's count of
-- all time over every area, with an index by that count: the largest are read
-- first, and since a span's count of a cell is never more than its count of all
-- time, the walk stops as soon as the smallest kept is larger than the next
-- cell's all-time count. Kept by stats_store.c with stats_cells_all, in the same
-- transaction.

CREATE TABLE stats_cells_total (
    cell_m   INTEGER NOT NULL,
    cell_e   INTEGER NOT NULL,
    cell_n   INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (cell_m, cell_e, cell_n)
) WITHOUT ROWID;

CREATE INDEX stats_cells_total_by_n ON stats_cells_total (cell_m, n);

INSERT INTO stats_cells_total (cell_m, cell_e, cell_n, n)
SELECT cell_m, cell_e, cell_n, sum(n) FROM stats_cells_all
GROUP BY cell_m, cell_e, cell_n HAVING sum(n) != 0;
