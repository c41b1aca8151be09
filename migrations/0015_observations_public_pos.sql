-- 0015: the public list's walk reads no row outside its box (issue 13).
-- A page of GET /api/v1/observations?bbox=… walks the newest public ids down and
-- keeps those inside the box. With (public, id) the walk read each candidate's row
-- from the table to test its position; with the position in the index the box is
-- tested in the index and only the page's own rows are read. The new index serves
-- everything the old one did (public = 1, newest first), so it replaces it: a
-- filing still writes one index entry for this.

CREATE INDEX observations_public_pos ON observations (public, id, lon, lat);
DROP INDEX observations_public;
