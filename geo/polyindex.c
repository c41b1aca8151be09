/*
 * polyindex — see polyindex.h. Each polygon keeps its edges (all rings) and a
 * band index over them: band b lists every edge whose y-range reaches band b's
 * y-range, so a point in band b needs only those edges, for the even-odd
 * crossing count and for the "on an edge" test. The polygons themselves are
 * found through a grid over their bounding boxes, each cell listing, by id,
 * the polygons whose box touches it.
 *
 * Which side of an edge a point lies on is decided exactly, as GEOS decides it
 * for ST_Contains (its orientation index is robust too): the determinant in
 * doubles when it is far enough from zero to trust its sign (Shewchuk's error
 * bound), otherwise its exact value as a sum of error-free products and
 * differences. A point a rounding error inside an edge is therefore inside, and
 * one exactly on it is on it, whatever the edge's slope.
 */
#include "polyindex.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BAND_EDGES 8   /* about this many edges per band */
#define BANDS_MAX 4096 /* per polygon */
#define GRID_MAX 256   /* cells across the union of the boxes */

struct edge {
    double x0, y0, x1, y1;
};

struct poly {
    int64_t id;
    double minx, miny, maxx, maxy;
    size_t e0, ne; /* its edges: ix->edges[e0 .. e0 + ne) */
    int nbands;
    double band_h;
    size_t *band_start;   /* nbands + 1 offsets into band_edges */
    uint32_t *band_edges; /* indexes into the polygon's own edges */
};

struct polyindex {
    struct poly *polys;
    size_t npolys, pcap;
    struct edge *edges;
    size_t nedges, ecap;
    int finished;
    double gx0, gy0, gcw, gch; /* grid origin and cell size */
    int gn;                    /* gn x gn cells */
    size_t *cell_start;        /* gn * gn + 1 offsets into cell_polys */
    uint32_t *cell_polys;      /* indexes into polys (sorted by id) */
};

struct polyindex *polyindex_new(void)
{
    return calloc(1, sizeof(struct polyindex));
}

void polyindex_free(struct polyindex *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; i < ix->npolys; i++) {
        free(ix->polys[i].band_start);
        free(ix->polys[i].band_edges);
    }
    free(ix->polys);
    free(ix->edges);
    free(ix->cell_start);
    free(ix->cell_polys);
    free(ix);
}

size_t polyindex_count(const struct polyindex *ix)
{
    return ix ? ix->npolys : 0;
}

/* ---- reading WKB ------------------------------------------------------------ */

struct wkb {
    const unsigned char *p, *end;
};

static int rd_u32(struct wkb *w, int le, uint32_t *out)
{
    if (w->end - w->p < 4)
        return -1;
    const unsigned char *b = w->p;
    *out = le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
              : (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
    w->p += 4;
    return 0;
}

static int rd_f64(struct wkb *w, int le, double *out)
{
    if (w->end - w->p < 8)
        return -1;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)w->p[le ? i : 7 - i] << (8 * i);
    memcpy(out, &v, sizeof v);
    w->p += 8;
    return 0;
}

/* The byte order and type of the geometry at w; *dims gets its ordinates per vertex. */
static int rd_header(struct wkb *w, int *le, uint32_t *base, int *dims)
{
    if (w->p >= w->end || (*w->p != 0 && *w->p != 1))
        return -1;
    *le = *w->p++ == 1;
    uint32_t t;
    if (rd_u32(w, *le, &t) != 0)
        return -1;
    int z = 0, m = 0;
    if (t & 0x20000000u) { /* EWKB with an SRID: skip it */
        uint32_t srid;
        if (rd_u32(w, *le, &srid) != 0)
            return -1;
    }
    if (t & 0x80000000u)
        z = 1;
    if (t & 0x40000000u)
        m = 1;
    t &= 0x0fffffffu;
    if (t >= 3000) {
        z = m = 1;
    } else if (t >= 2000) {
        m = 1;
    } else if (t >= 1000) {
        z = 1;
    }
    *base = t % 1000;
    *dims = 2 + z + m;
    return 0;
}

static int grow_edges(struct polyindex *ix, size_t more)
{
    if (ix->nedges + more <= ix->ecap)
        return 0;
    if (ix->nedges + more > POLYINDEX_MAX_VERTICES)
        return -1;
    size_t cap = ix->ecap ? ix->ecap : 1024;
    while (cap < ix->nedges + more)
        cap *= 2;
    struct edge *e = realloc(ix->edges, cap * sizeof *e);
    if (!e)
        return -1;
    ix->edges = e;
    ix->ecap = cap;
    return 0;
}

/* Reads one polygon's rings at w, appending their edges. */
static int rd_polygon_rings(struct polyindex *ix, struct wkb *w, int le, int dims)
{
    uint32_t nrings;
    if (rd_u32(w, le, &nrings) != 0 || nrings > (uint32_t)(w->end - w->p) / 4)
        return -1;
    for (uint32_t r = 0; r < nrings; r++) {
        uint32_t np;
        if (rd_u32(w, le, &np) != 0 || (size_t)np > (size_t)(w->end - w->p) / (8u * dims))
            return -1;
        if (np < 3)
            return -1;
        if (grow_edges(ix, np) != 0)
            return -1;
        double fx = 0, fy = 0, px = 0, py = 0, skip;
        for (uint32_t i = 0; i < np; i++) {
            double x, y;
            if (rd_f64(w, le, &x) != 0 || rd_f64(w, le, &y) != 0)
                return -1;
            for (int d = 2; d < dims; d++)
                if (rd_f64(w, le, &skip) != 0)
                    return -1;
            if (!isfinite(x) || !isfinite(y))
                return -1;
            if (i == 0) {
                fx = x, fy = y;
            } else if (x != px || y != py) {
                ix->edges[ix->nedges++] = (struct edge){px, py, x, y};
            }
            px = x, py = y;
        }
        if (px != fx || py != fy) /* not closed: close it */
            ix->edges[ix->nedges++] = (struct edge){px, py, fx, fy};
    }
    return 0;
}

int polyindex_add_wkb(struct polyindex *ix, int64_t id, const unsigned char *wkb, size_t len)
{
    if (!ix || ix->finished || id <= 0 || !wkb)
        return -1;
    if (ix->npolys == ix->pcap) {
        size_t cap = ix->pcap ? ix->pcap * 2 : 64;
        struct poly *p = realloc(ix->polys, cap * sizeof *p);
        if (!p)
            return -1;
        ix->polys = p;
        ix->pcap = cap;
    }
    size_t first_edge = ix->nedges;
    struct wkb w = {wkb, wkb + len};
    int le, dims;
    uint32_t type;
    int rc = rd_header(&w, &le, &type, &dims);
    if (rc == 0 && type == 3) {
        rc = rd_polygon_rings(ix, &w, le, dims);
    } else if (rc == 0 && type == 6) {
        uint32_t n;
        rc = rd_u32(&w, le, &n);
        for (uint32_t i = 0; rc == 0 && i < n; i++) {
            int le2, dims2;
            uint32_t t2;
            rc = rd_header(&w, &le2, &t2, &dims2);
            if (rc == 0 && t2 != 3)
                rc = -1;
            if (rc == 0)
                rc = rd_polygon_rings(ix, &w, le2, dims2);
        }
    } else {
        rc = -1;
    }
    if (rc != 0 || ix->nedges == first_edge) {
        ix->nedges = first_edge;
        return -1;
    }
    struct poly *p = &ix->polys[ix->npolys];
    memset(p, 0, sizeof *p);
    p->id = id;
    p->e0 = first_edge;
    p->ne = ix->nedges - first_edge;
    p->minx = p->maxx = ix->edges[first_edge].x0;
    p->miny = p->maxy = ix->edges[first_edge].y0;
    for (size_t k = first_edge; k < ix->nedges; k++) {
        const struct edge *e = &ix->edges[k];
        p->minx = fmin(p->minx, fmin(e->x0, e->x1));
        p->maxx = fmax(p->maxx, fmax(e->x0, e->x1));
        p->miny = fmin(p->miny, fmin(e->y0, e->y1));
        p->maxy = fmax(p->maxy, fmax(e->y0, e->y1));
    }
    ix->npolys++;
    return 0;
}

/* ---- building the bands and the grid ------------------------------------------ */

static int band_of(const struct poly *p, double y)
{
    if (p->nbands == 1)
        return 0;
    int b = (int)floor((y - p->miny) / p->band_h);
    return b < 0 ? 0 : b >= p->nbands ? p->nbands - 1 : b;
}

static int build_bands(struct polyindex *ix, struct poly *p)
{
    size_t nb = p->ne / BAND_EDGES;
    nb = nb < 1 ? 1 : nb > BANDS_MAX ? BANDS_MAX : nb;
    p->nbands = (int)nb;
    p->band_h = (p->maxy - p->miny) / (double)nb;
    if (!(p->band_h > 0))
        p->nbands = 1;
    p->band_start = calloc((size_t)p->nbands + 1, sizeof *p->band_start);
    if (!p->band_start)
        return -1;
    const struct edge *e = ix->edges + p->e0;
    for (size_t k = 0; k < p->ne; k++) {
        int b0 = band_of(p, fmin(e[k].y0, e[k].y1)), b1 = band_of(p, fmax(e[k].y0, e[k].y1));
        for (int b = b0; b <= b1; b++)
            p->band_start[b + 1]++;
    }
    for (int b = 0; b < p->nbands; b++)
        p->band_start[b + 1] += p->band_start[b];
    p->band_edges =
        malloc((p->band_start[p->nbands] ? p->band_start[p->nbands] : 1) * sizeof *p->band_edges);
    size_t *fill = malloc((size_t)p->nbands * sizeof *fill);
    if (!p->band_edges || !fill) {
        free(fill);
        return -1;
    }
    memcpy(fill, p->band_start, (size_t)p->nbands * sizeof *fill);
    for (size_t k = 0; k < p->ne; k++) {
        int b0 = band_of(p, fmin(e[k].y0, e[k].y1)), b1 = band_of(p, fmax(e[k].y0, e[k].y1));
        for (int b = b0; b <= b1; b++)
            p->band_edges[fill[b]++] = (uint32_t)k;
    }
    free(fill);
    return 0;
}

static int poly_cmp(const void *a, const void *b)
{
    const struct poly *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static void cell_range(const struct polyindex *ix, double lo, double hi, double origin, double cw,
                       int *c0, int *c1)
{
    int a = (int)floor((lo - origin) / cw), b = (int)floor((hi - origin) / cw);
    *c0 = a < 0 ? 0 : a >= ix->gn ? ix->gn - 1 : a;
    *c1 = b < 0 ? 0 : b >= ix->gn ? ix->gn - 1 : b;
}

int polyindex_finish(struct polyindex *ix)
{
    if (!ix || ix->finished)
        return -1;
    if (ix->npolys > 1)
        qsort(ix->polys, ix->npolys, sizeof *ix->polys, poly_cmp);
    for (size_t i = 0; i < ix->npolys; i++)
        if (build_bands(ix, &ix->polys[i]) != 0)
            return -1;
    ix->finished = 1;
    if (!ix->npolys)
        return 0;
    double minx = ix->polys[0].minx, maxx = ix->polys[0].maxx, miny = ix->polys[0].miny,
           maxy = ix->polys[0].maxy;
    for (size_t i = 1; i < ix->npolys; i++) {
        minx = fmin(minx, ix->polys[i].minx);
        maxx = fmax(maxx, ix->polys[i].maxx);
        miny = fmin(miny, ix->polys[i].miny);
        maxy = fmax(maxy, ix->polys[i].maxy);
    }
    int gn = (int)ceil(sqrt((double)ix->npolys) * 2);
    ix->gn = gn < 1 ? 1 : gn > GRID_MAX ? GRID_MAX : gn;
    ix->gx0 = minx;
    ix->gy0 = miny;
    ix->gcw = maxx > minx ? (maxx - minx) / ix->gn : 1;
    ix->gch = maxy > miny ? (maxy - miny) / ix->gn : 1;
    size_t ncells = (size_t)ix->gn * (size_t)ix->gn;
    ix->cell_start = calloc(ncells + 1, sizeof *ix->cell_start);
    if (!ix->cell_start)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        size_t *fill = NULL;
        if (pass == 1) {
            for (size_t c = 0; c < ncells; c++)
                ix->cell_start[c + 1] += ix->cell_start[c];
            ix->cell_polys = malloc((ix->cell_start[ncells] ? ix->cell_start[ncells] : 1) *
                                    sizeof *ix->cell_polys);
            fill = malloc(ncells * sizeof *fill);
            if (!ix->cell_polys || !fill) {
                free(fill);
                return -1;
            }
            memcpy(fill, ix->cell_start, ncells * sizeof *fill);
        }
        for (size_t i = 0; i < ix->npolys; i++) { /* in id order, so each cell lists by id */
            const struct poly *p = &ix->polys[i];
            int x0, x1, y0, y1;
            cell_range(ix, p->minx, p->maxx, ix->gx0, ix->gcw, &x0, &x1);
            cell_range(ix, p->miny, p->maxy, ix->gy0, ix->gch, &y0, &y1);
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++) {
                    size_t c = (size_t)y * (size_t)ix->gn + (size_t)x;
                    if (pass == 0)
                        ix->cell_start[c + 1]++;
                    else
                        ix->cell_polys[fill[c]++] = (uint32_t)i;
                }
        }
        free(fill);
    }
    return 0;
}

/* ---- lookups -------------------------------------------------------------------- */

/* Error-free transformations: a + b, a - b and a * b as hi + lo exactly. */
static void two_sum(double a, double b, double *hi, double *lo)
{
    double x = a + b, bv = x - a, av = x - bv;
    *hi = x;
    *lo = (a - av) + (b - bv);
}

static void two_diff(double a, double b, double *hi, double *lo)
{
    double x = a - b, bv = a - x, av = x + bv;
    *hi = x;
    *lo = (a - av) + (bv - b);
}

static void two_prod(double a, double b, double *hi, double *lo)
{
    double x = a * b;
    *hi = x;
    *lo = fma(a, b, -x);
}

/* The sign of v[0] + ... + v[n-1], exactly (n <= 32): the terms are grown into a
 * nonoverlapping expansion, whose largest nonzero component has the sum's sign. */
static int exact_sum_sign(const double *v, int n)
{
    double e[33];
    int m = 0;
    for (int i = 0; i < n; i++) {
        double q = v[i];
        for (int j = 0; j < m; j++)
            two_sum(q, e[j], &q, &e[j]);
        e[m++] = q;
    }
    for (int j = m - 1; j >= 0; j--)
        if (e[j] != 0)
            return e[j] > 0 ? 1 : -1;
    return 0;
}

/* The sign of (bx - ax)(py - ay) - (by - ay)(px - ax): 1 when p is left of a->b. */
static int orient(double ax, double ay, double bx, double by, double px, double py)
{
    double l = (bx - ax) * (py - ay), r = (by - ay) * (px - ax), det = l - r;
    /* Shewchuk's ccwerrboundA: (3 + 16 eps) eps with eps = 2^-53. */
    double bound = 3.3306690738754716e-16 * (fabs(l) + fabs(r));
    if (det > bound)
        return 1;
    if (-det > bound)
        return -1;
    double d[4][2];
    two_diff(bx, ax, &d[0][0], &d[0][1]);
    two_diff(py, ay, &d[1][0], &d[1][1]);
    two_diff(by, ay, &d[2][0], &d[2][1]);
    two_diff(px, ax, &d[3][0], &d[3][1]);
    double t[16];
    int n = 0;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double h, lo;
            two_prod(d[0][i], d[1][j], &h, &lo);
            t[n++] = h;
            t[n++] = lo;
            two_prod(d[2][i], d[3][j], &h, &lo);
            t[n++] = -h;
            t[n++] = -lo;
        }
    return exact_sum_sign(t, n);
}

/* 1 inside, 0 outside or on an edge. */
static int poly_holds(const struct polyindex *ix, const struct poly *p, double x, double y)
{
    if (!(x > p->minx && x < p->maxx && y > p->miny && y < p->maxy))
        return 0; /* outside, or on the box, where no point is strictly inside */
    int b = band_of(p, y), inside = 0;
    const struct edge *e = ix->edges + p->e0;
    for (size_t k = p->band_start[b]; k < p->band_start[b + 1]; k++) {
        const struct edge *s = &e[p->band_edges[k]];
        double ylo = fmin(s->y0, s->y1), yhi = fmax(s->y0, s->y1);
        if (y < ylo || y > yhi)
            continue;
        int crosses = (s->y0 > y) != (s->y1 > y);
        if (!crosses && (x < fmin(s->x0, s->x1) || x > fmax(s->x0, s->x1)))
            continue; /* neither crossed nor touched (only its end is at height y) */
        int o = orient(s->x0, s->y0, s->x1, s->y1, x, y);
        if (o == 0 && x >= fmin(s->x0, s->x1) && x <= fmax(s->x0, s->x1))
            return 0; /* on the edge */
        /* The edge crosses the point's height to its right: the point is left of an
         * upward edge, or right of a downward one. */
        if (crosses && (o > 0) == (s->y1 > s->y0))
            inside = !inside;
    }
    return inside;
}

int64_t polyindex_find(const struct polyindex *ix, double x, double y)
{
    if (!ix || !ix->finished || !ix->npolys || !isfinite(x) || !isfinite(y))
        return 0;
    double fx = (x - ix->gx0) / ix->gcw, fy = (y - ix->gy0) / ix->gch;
    if (fx < 0 || fy < 0 || fx > ix->gn || fy > ix->gn)
        return 0;
    int cx = (int)fx, cy = (int)fy;
    cx = cx >= ix->gn ? ix->gn - 1 : cx;
    cy = cy >= ix->gn ? ix->gn - 1 : cy;
    size_t c = (size_t)cy * (size_t)ix->gn + (size_t)cx;
    for (size_t k = ix->cell_start[c]; k < ix->cell_start[c + 1]; k++) {
        const struct poly *p = &ix->polys[ix->cell_polys[k]];
        if (poly_holds(ix, p, x, y))
            return p->id;
    }
    return 0;
}

int polyindex_contains(const struct polyindex *ix, int64_t id, double x, double y)
{
    if (!ix || !ix->finished || !isfinite(x) || !isfinite(y))
        return 0;
    size_t lo = 0, hi = ix->npolys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->polys[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == ix->npolys || ix->polys[lo].id != id)
        return 0;
    return poly_holds(ix, &ix->polys[lo], x, y);
}
