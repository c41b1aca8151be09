/*
 * rule_store — every SQL statement about routing_rules: category x (drawn
 * polygon | area | whole municipality) -> unit, priority, order. Never begins
 * or commits.
 */
#ifndef TRYGG_RULE_STORE_H
#define TRYGG_RULE_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

struct rule_choice {
    int64_t rule_id;
    int64_t unit_id;
    int priority;
};

/*
 * The most specific active rule for category at lon/lat in area_id (0 = none):
 * a rule with a polygon containing the point beats one for the area, which
 * beats a municipality-wide one; ties go to the lower rule_order, then the
 * older rule. Returns 1 with *out filled, 0 when no rule matches, -1 on error.
 */
int rule_store_pick(struct dbc *c, const char *category, double lon, double lat, int64_t area_id,
                    struct rule_choice *out);

/* A rule as an admin writes it; has_* say which fields were sent. */
struct rule_input {
    const char *category, *note;
    const char *polygon_geojson; /* GeoJSON Polygon/MultiPolygon text, or NULL */
    int64_t area_id, unit_id, priority, rule_order;
    int has_area, has_unit, has_priority, has_order, area_given, polygon_given;
    int active; /* -1: unchanged */
};

/* Inserts (id == 0, *id_out set) or updates rule id. Returns 0, 1 when a
 * category, area or unit does not exist, 2 when the polygon is not valid, 3
 * when there is no rule id, -1 on error. */
int rule_store_save(struct dbc *c, int64_t id, const struct rule_input *in, int64_t *id_out);

/* Deletes rule id: 1 deleted, 0 no such rule, -1 on error. */
int rule_store_delete(struct dbc *c, int64_t id);

/* Every rule (ordered by category, order, id), or NULL on error. */
json_t *rule_store_list(struct dbc *c);

/* One rule, or NULL when absent. */
json_t *rule_store_get(struct dbc *c, int64_t id);

#endif
