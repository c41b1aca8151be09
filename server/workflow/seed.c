/*
 * seed — demo data for Borås. See seed.h. Observations go through
 * wf_observation_file(), the same path as the API, so their SWEREF 99 TM
 * coordinates, light, area and case are computed and routed, not typed in.
 * The reference data (units, routing rules, the demo walk) is one SQL script
 * run in one transaction: it is demo data, not a workflow.
 */
#include "seed.h"
#include "log.h"
#include "wf_areas.h"
#include "wf_observations.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#ifndef TRYGG_SOURCE_DIR
#define TRYGG_SOURCE_DIR "."
#endif

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
    " '2026-11-26T18:00:00Z');";

/* Demo observations: category, lon, lat, description, rating, minutes after 17:00Z. */
static const struct {
    const char *category;
    double lon, lat;
    const char *text;
    int rating;
} demo_obs[] = {
    {"lighting", 12.9412, 57.7213, "Gatlampan vid busshållplatsen är trasig.", 4},
    {"lighting", 12.9467, 57.7335, "Mörk gångtunnel, ingen belysning alls.", 5},
    {"vegetation", 12.9438, 57.7352, "Buskarna skymmer sikten längs gångvägen.", 3},
    {"litter", 12.9380, 57.7195, "Nedskräpat vid återvinningsstationen.", 2},
    {"graffiti", 12.9321, 57.7228, "Klotter på väggen mot parkeringen.", 2},
    {"traffic", 12.9712, 57.7405, "Bilar kör fort förbi övergångsstället.", 4},
    {"hidden", 12.9060, 57.7370, "Öde parkering bakom centrumhuset.", 4},
    {"safe_place", 12.9395, 57.7205, "Välbelyst torg med folk i rörelse.", 1},
    {"path", 13.0010, 57.7350, "Trasig asfalt på cykelvägen.", 2},
    {"furniture", 13.0880, 57.7190, "Lekplatsens staket är sönder.", 2},
};

int seed_demo(struct dbc *c, const struct config *cfg, struct wf_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/server/demo/boras-kommun.geojson", TRYGG_SOURCE_DIR);
    if (wf_boundary_set(c, path, "1490", "Borås", err) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/server/demo/areas.geojson", TRYGG_SOURCE_DIR);
    int n = wf_areas_import_file(c, path, err);
    if (n < 0)
        return -1;
    if (wf_begin(c, err) != 0)
        return -1;
    if (db_exec(c->db, seed_units_sql) != SQLITE_OK)
        return wf_fail_db(c, err, "demo units and rules");
    if (wf_commit(c, err, "demo units and rules") != 0)
        return -1;
    /* Demo observations: evenings a week ago, fixed client ids so re-seeding adds nothing. */
    int64_t base = (int64_t)time(NULL) / 86400 * 86400 - 7 * 86400 + 17 * 3600;
    for (size_t i = 0; i < sizeof demo_obs / sizeof demo_obs[0]; i++) {
        char client_id[40];
        snprintf(client_id, sizeof client_id, "00000000-0000-4000-8000-%012zu", i + 1);
        struct wf_obs_input o = {0};
        o.client_id = client_id;
        o.category = demo_obs[i].category;
        o.lon = demo_obs[i].lon;
        o.lat = demo_obs[i].lat;
        o.description = demo_obs[i].text;
        o.unsafe_rating = demo_obs[i].rating;
        o.accuracy_m = 8;
        o.observed_at = base + (int64_t)i * 600;
        int64_t id;
        int repeat;
        if (wf_observation_file(c, cfg, &o, &id, &repeat, err) != 0)
            return -1;
    }
    log_msg(LOG_INFO, "demo data loaded: boundary, %d areas, units, walk NORRBY1, %zu observations",
            n, sizeof demo_obs / sizeof demo_obs[0]);
    return 0;
}
