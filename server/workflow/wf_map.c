/*
 * wf_map — see wf_map.h.
 */
#include "wf_map.h"
#include "map_store.h"

int wf_map_rebuild(struct dbc *c, int64_t *points, struct wf_error *err)
{
    if (wf_begin(c, err) != 0)
        return -1;
    if (map_store_rebuild(c, points) != 0)
        return wf_fail_db(c, err, "the map's aggregates could not be counted");
    return wf_commit(c, err, "the map's aggregates could not be saved");
}

int64_t wf_public_data_version(struct dbc *c)
{
    return map_store_data_version(c);
}
