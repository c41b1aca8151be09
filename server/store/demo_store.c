/*
 * demo_store — see demo_store.h. Demo data only: not the real division of
 * responsibility in Borås.
 */
#include "demo_store.h"

static const char seed_units_sql[] =
    "INSERT OR IGNORE INTO units (code, name, email, internal) VALUES "
    "('street_lighting', 'Gatubelysning', 'gatubelysning@example.invalid', 1),"
    "('streets_traffic', 'Gator och trafik', 'gatorochtrafik@example.invalid', 1),"
    "('parks', 'Parker och natur', 'parker@example.invalid', 1),"
    "('cleaning', 'Borås rent och snyggt', 'rentochsnyggt@example.invalid', 1),"
    "('housing', 'AB Bostäder i Borås', 'felanmalan@example.invalid', 0),"
    "('police', 'Polisen', 'lokalpolis@example.invalid', 0);"
    "UPDATE categories SET default_unit_id = (SELECT id FROM units WHERE code = CASE "
    "categories.code "
    " WHEN 'lighting' THEN 'street_lighting' WHEN 'litter' THEN 'cleaning' "
    " WHEN 'graffiti' THEN 'cleaning' WHEN 'vegetation' THEN 'parks' WHEN 'path' THEN "
    " 'streets_traffic' WHEN 'traffic' THEN 'streets_traffic' WHEN 'signage' THEN "
    " 'streets_traffic' WHEN 'furniture' THEN 'parks' WHEN 'hidden' THEN 'parks' END) "
    "WHERE default_unit_id IS NULL;"
    /* Routing: municipality-wide rules per category, plus the housing company's estates in
     * Hässleholmen (a drawn polygon) where lighting is the housing company's, and an area rule:
     * in the rural locality Dalsjöfors the lamps along the through roads are the streets and
     * traffic unit's (demo data, not the real division of responsibility). */
    "INSERT INTO routing_rules (category, area_id, unit_id, priority, rule_order, note, polygon) "
    "SELECT r.category, (SELECT id FROM areas WHERE code = r.area), "
    "(SELECT id FROM units WHERE code = r.unit), r.priority, r.ord, "
    "r.note, CASE WHEN r.poly IS NULL THEN NULL ELSE CastToMultiPolygon(GeomFromText(r.poly, "
    "4326)) END FROM (SELECT 'lighting' AS category, NULL AS area, 'housing' AS unit, "
    " 2 AS priority, 10 AS ord, "
    " 'Bostäder i Borås: Hässleholmen' AS note, 'POLYGON((12.962 57.736, 12.975 57.736, 12.975 "
    " 57.745, 12.962 57.745, 12.962 57.736))' AS poly "
    " UNION ALL SELECT 'lighting', 'dalsjofors', 'streets_traffic', 2, 50, "
    " 'Dalsjöfors: lamps along the through roads', NULL "
    " UNION ALL SELECT 'lighting', NULL, 'street_lighting', 2, 100, NULL, NULL "
    " UNION ALL SELECT 'litter', NULL, 'cleaning', 3, 100, NULL, NULL "
    " UNION ALL SELECT 'graffiti', NULL, 'cleaning', 3, 100, NULL, NULL "
    " UNION ALL SELECT 'vegetation', NULL, 'parks', 2, 100, NULL, NULL "
    " UNION ALL SELECT 'furniture', NULL, 'parks', 2, 100, NULL, NULL "
    " UNION ALL SELECT 'path', NULL, 'streets_traffic', 2, 100, NULL, NULL "
    " UNION ALL SELECT 'traffic', NULL, 'streets_traffic', 1, 100, NULL, NULL "
    " UNION ALL SELECT 'signage', NULL, 'streets_traffic', 3, 100, NULL, NULL) r "
    "WHERE NOT EXISTS (SELECT 1 FROM routing_rules) "
    /* an area rule whose area is missing must not turn into a municipality-wide one */
    "AND (r.area IS NULL OR EXISTS (SELECT 1 FROM areas WHERE code = r.area));"
    "INSERT OR IGNORE INTO walks (code, title, area_id, starts_at) VALUES "
    "('NORRBY1', 'Trygghetsvandring Norrby', (SELECT id FROM areas WHERE code = 'norrby'), "
    " '2026-11-26T18:00:00Z');"
    "UPDATE walks SET ends_at = '2026-11-26T20:00:00Z', meeting_text = 'Vid Norrby torg', "
    "meeting_point = MakePoint(12.9405, 57.7330, 4326), route = GeomFromText('LINESTRING("
    "12.9405 57.7330, 12.9440 57.7345, 12.9467 57.7335, 12.9500 57.7360)', 4326), "
    "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE code = 'NORRBY1' AND route IS NULL;";

int demo_store_load_reference(struct dbc *c)
{
    return db_exec(c->db, seed_units_sql) == SQLITE_OK ? 0 : -1;
}
