/*
 * indicator_store — every SQL statement about the indicators table: the
 * city's own yearly figures per area (the safety survey's share of residents
 * who feel unsafe outdoors at night, police-reported crimes per 1000
 * residents, ...). Writes only that table; its read model joins areas and the
 * statistics' yearly counts read-only. Never begins or commits (workflow.h).
 */
#ifndef TRYGG_INDICATOR_STORE_H
#define TRYGG_INDICATOR_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

#define INDICATOR_CODE_MAX 64    /* bytes of an indicator code */
#define INDICATOR_SOURCE_MAX 300 /* characters of a source text */
#define INDICATOR_LIST_MAX 5000  /* rows in one answer */

enum indicator_put {
    INDICATOR_INSERTED = 0,
    INDICATOR_UPDATED = 1,
    INDICATOR_UNCHANGED = 2,
};

/* Stores one value: a new row, a changed row, or nothing when the same value
 * and source are already there. An enum indicator_put, or -1 on error. */
int indicator_store_put(struct dbc *c, int64_t area_id, int year, const char *indicator,
                        double value, const char *source);

/*
 * The indicators, by area name, indicator and year, filtered by area code and
 * indicator code (NULL = any), at most INDICATOR_LIST_MAX:
 * [{"area","area_name","year","indicator","value","source","observations"}]
 * where observations is the count of observations in that area and year.
 * NULL on error.
 */
json_t *indicator_store_list(struct dbc *c, const char *area_code, const char *indicator);

#endif
