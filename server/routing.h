/*
 * routing — which unit is responsible for an observation: routing rules
 * (category x drawn polygon | area | whole municipality -> unit, priority), and
 * their admin API.
 */
#ifndef TRYGG_ROUTING_H
#define TRYGG_ROUTING_H

#include <stdint.h>

#include "db.h"

struct req;

struct routing_choice {
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
int routing_pick(struct dbc *c, const char *category, double lon, double lat, int64_t area_id,
                 struct routing_choice *out);

/* GET/POST /api/v1/routing-rules, PUT/DELETE /api/v1/routing-rules/{id}. */
int routing_rules_list(struct req *r);
int routing_rules_post(struct req *r);
int routing_rules_put(struct req *r);
int routing_rules_delete(struct req *r);

#endif
