/*
 * nearby — what a resident sees before filing: open reports of the same
 * category close by ("is it one of these?"), and adding one's voice to one
 * of them ("me too") instead of filing a duplicate.
 */
#ifndef TRYGG_NEARBY_H
#define TRYGG_NEARBY_H

struct req;

/* GET /api/v1/observations/nearby?lon&lat&category&radius_m */
int nearby_list(struct req *r);

/* POST /api/v1/observations/{id}/support {"client_id"}: 201 new, 200 repeat. */
int nearby_support(struct req *r);

#endif
