-- 0013: hot spots over many years at national scale (issue 13). stats_cells keeps a
-- row per cell, area and category for every day, month, quarter and year, so ten
-- years of hot spots summed some 900 000 rows for a million observations. This
-- table keeps each cell's count of all time (every category together): a long
-- span without a category filter is that count less the days before and after
-- the span, which are few. Kept by the same code as stats_cells (stats_store.c),
-- in the same transaction.

CREATE TABLE stats_cells_all (
    cell_m   INTEGER NOT NULL,
    cell_e   INTEGER NOT NULL,
    cell_n   INTEGER NOT NULL,
    area_id  INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (cell_m, cell_e, cell_n, area_id)
) WITHOUT ROWID;

INSERT INTO stats_cells_all (cell_m, cell_e, cell_n, area_id, n)
SELECT cell_m, cell_e, cell_n, area_id, sum(n) FROM stats_cells WHERE grain = 'year'
GROUP BY cell_m, cell_e, cell_n, area_id HAVING sum(n) != 0;
