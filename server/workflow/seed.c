/*
 * seed — demo data for Borås. See seed.h. Observations go through
 * wf_observation_file(), the same path as the API, so their SWEREF 99 TM
 * coordinates, light, area and case are computed and routed, not typed in.
 * The reference data (units, routing rules, the demo walk) is demo_store's one
 * SQL script, run in one transaction here.
 */
#include "seed.h"
#include "demo_store.h"
#include "log.h"
#include "wf_areas.h"
#include "wf_observations.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#ifndef TRYGG_SOURCE_DIR
#define TRYGG_SOURCE_DIR "."
#endif

/* Demo observations: category, lon, lat, description, rating, minutes after 17:00Z. */
static const struct {
    const char *category;
    double lon, lat;
    const char *text;
    int rating;
    const char *walk;
} demo_obs[] = {
    {"lighting", 12.9412, 57.7213, "Gatlampan vid busshållplatsen är trasig.", 4, NULL},
    {"lighting", 12.9467, 57.7335, "Mörk gångtunnel, ingen belysning alls.", 5, NULL},
    {"vegetation", 12.9438, 57.7352, "Buskarna skymmer sikten längs gångvägen.", 3, NULL},
    {"litter", 12.9380, 57.7195, "Nedskräpat vid återvinningsstationen.", 2, NULL},
    {"graffiti", 12.9321, 57.7228, "Klotter på väggen mot parkeringen.", 2, NULL},
    {"traffic", 12.9712, 57.7405, "Bilar kör fort förbi övergångsstället.", 4, NULL},
    {"hidden", 12.9060, 57.7370, "Öde parkering bakom centrumhuset.", 4, NULL},
    {"safe_place", 12.9395, 57.7205, "Välbelyst torg med folk i rörelse.", 1, NULL},
    {"path", 13.0010, 57.7350, "Trasig asfalt på cykelvägen.", 2, NULL},
    {"furniture", 13.0880, 57.7190, "Lekplatsens staket är sönder.", 2, NULL},
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
    snprintf(path, sizeof path, "%s/server/demo/places.geojson", TRYGG_SOURCE_DIR);
    int places = wf_places_import_file(c, path, err);
    if (places < 0)
        return -1;
    if (wf_begin(c, err) != 0)
        return -1;
    if (demo_store_load_reference(c) != 0)
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
        o.walk_code = demo_obs[i].walk;
        int64_t id;
        int repeat;
        if (wf_observation_file(c, cfg, &o, &id, &repeat, NULL, err) != 0)
            return -1;
    }
    log_msg(
        LOG_INFO,
        "demo data loaded: boundary, %d areas, %d places, units, walk NORRBY1, %zu observations", n,
        places, sizeof demo_obs / sizeof demo_obs[0]);
    return 0;
}
