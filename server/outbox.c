/*
 * outbox — durable notifications to the units. See outbox.h.
 *
 * THREAD SAFETY NOTES: outbox_enqueue_assignment runs on a worker thread with
 * that worker's connection, inside its transaction. Delivery runs on one
 * thread of its own (outbox_start) with its own connection and curl handle;
 * the only shared state is the stop flag, under a mutex.
 *
 * A message stays 'pending' until a 2xx (webhook) or an accepted DATA (SMTP)
 * is recorded, so a crash between sending and recording sends it again:
 * delivery is at least once, and receivers de-duplicate on X-Trygg-Delivery.
 */
#include "outbox.h"
#include "auth.h"
#include "cases.h"
#include "http.h"
#include "log.h"
#include "observations.h"
#include "validate.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OUTBOX_BATCH 20
#define OUTBOX_CONNECT_TIMEOUT_S 5
#define OUTBOX_TOTAL_TIMEOUT_S 15
#define OUTBOX_ERROR_MAX 300
#define OUTBOX_TOKEN_BYTES 32

static const char *str_or(const char *s, const char *fallback)
{
    return s ? s : fallback;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- enqueue ------------------------------------------------------------- */

/* The case as the unit's system receives it: no contact details, ever. */
static json_t *case_payload(struct dbc *c, const struct config *cfg, int64_t case_id,
                            const char *unit_code, const char *unit_name)
{
    json_t *obs = observations_public_json(c, case_id);
    if (!obs)
        return NULL;
    sqlite3_stmt *st = db_prepare(c->db, "SELECT state, priority, due_at FROM cases WHERE "
                                         "observation_id = ?");
    json_t *cs = NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, case_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            cs = json_pack("{s:s, s:i, s:s?}", "state", sqlite3_column_text(st, 0), "priority",
                           sqlite3_column_int(st, 1), "due_at", sqlite3_column_text(st, 2));
        sqlite3_finalize(st);
    }
    char url[400];
    snprintf(url, sizeof url, "%s/api/v1/observations/%lld",
             cfg->public_base_url[0] ? cfg->public_base_url : "", (long long)case_id);
    json_object_set_new(obs, "url", json_string(url));
    if (cs)
        json_object_update(obs, cs);
    json_decref(cs);
    /* Units outside the organisation are told about the case; inside ones get the work. */
    sqlite3_stmt *ust = db_prepare(c->db, "SELECT internal FROM units WHERE code = ?");
    int internal = 1;
    if (ust) {
        sqlite3_bind_text(ust, 1, unit_code, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(ust) == SQLITE_ROW)
            internal = sqlite3_column_int(ust, 0);
        sqlite3_finalize(ust);
    }
    return json_pack("{s:s, s:o, s:{s:s, s:s, s:b}}", "event",
                     internal ? "case.assigned" : "case.notified", "case", obs, "unit", "code",
                     unit_code, "name", unit_name, "internal", internal);
}

static int insert_message(struct dbc *c, const char *kind, int64_t unit_id, int64_t case_id,
                          const char *target, const char *payload)
{
    sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO outbox (kind, unit_id, case_id, target, "
                                         "payload, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, unit_id);
    sqlite3_bind_int64(st, 3, case_id);
    sqlite3_bind_text(st, 4, target, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, payload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, now_ms());
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int outbox_enqueue_assignment(struct dbc *c, const struct config *cfg, int64_t case_id,
                              int64_t unit_id)
{
    sqlite3_stmt *st =
        db_prepare(c->db, "SELECT code, name, webhook_url, email FROM units WHERE id = ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, unit_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return -1;
    }
    char code[128], name[256], url[600], email[256];
    snprintf(code, sizeof code, "%s", sqlite3_column_text(st, 0));
    snprintf(name, sizeof name, "%s", sqlite3_column_text(st, 1));
    snprintf(url, sizeof url, "%s",
             sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
    snprintf(email, sizeof email, "%s",
             sqlite3_column_text(st, 3) ? (const char *)sqlite3_column_text(st, 3) : "");
    sqlite3_finalize(st);
    if (!url[0] && !(email[0] && cfg->smtp_url[0]))
        return 0;
    json_t *p = case_payload(c, cfg, case_id, code, name);
    if (!p)
        return -1;
    char *payload = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    int n = 0, rc = 0;
    if (url[0]) {
        rc |= insert_message(c, "webhook", unit_id, case_id, url, payload);
        n++;
    }
    if (email[0] && cfg->smtp_url[0]) {
        rc |= insert_message(c, "email", unit_id, case_id, email, payload);
        n++;
    }
    free(payload);
    return rc ? -1 : n;
}

/* ---- delivery ------------------------------------------------------------ */

struct message {
    int64_t id, unit_id, case_id;
    int attempts;
    char kind[16];
    char *target, *payload, *secret;
};

static void message_free(struct message *m)
{
    free(m->target);
    free(m->payload);
    free(m->secret);
}

static size_t discard(void *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

/* POSTs the payload; 0 on 2xx, else -1 with err. */
static int deliver_webhook(CURL *curl, const struct message *m, char *err, size_t errlen)
{
    char ts[32], delivery[32], sig_hdr[128], ts_hdr[64], del_hdr[64];
    snprintf(ts, sizeof ts, "%lld", (long long)(now_ms() / 1000));
    snprintf(delivery, sizeof delivery, "%lld", (long long)m->id);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "User-Agent: trygg/" TRYGG_VERSION);
    snprintf(ts_hdr, sizeof ts_hdr, "X-Trygg-Timestamp: %s", ts);
    snprintf(del_hdr, sizeof del_hdr, "X-Trygg-Delivery: %s", delivery);
    h = curl_slist_append(h, ts_hdr);
    h = curl_slist_append(h, del_hdr);
    if (m->secret && *m->secret) {
        /* HMAC-SHA256 over "<timestamp>.<body>": the receiver can check both. */
        size_t blen = strlen(ts) + 1 + strlen(m->payload);
        char *signed_text = malloc(blen + 1);
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int maclen = 0;
        if (signed_text) {
            snprintf(signed_text, blen + 1, "%s.%s", ts, m->payload);
            HMAC(EVP_sha256(), m->secret, (int)strlen(m->secret), (unsigned char *)signed_text,
                 blen, mac, &maclen);
            free(signed_text);
        }
        int o = snprintf(sig_hdr, sizeof sig_hdr, "X-Trygg-Signature: sha256=");
        for (unsigned i = 0; i < maclen && o + 3 < (int)sizeof sig_hdr; i++)
            o += snprintf(sig_hdr + o, sizeof sig_hdr - (size_t)o, "%02x", mac[i]);
        h = curl_slist_append(h, sig_hdr);
    }
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, m->target);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, m->payload);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)OUTBOX_CONNECT_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)OUTBOX_TOTAL_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", curl_easy_strerror(rc));
        return -1;
    }
    if (status < 200 || status > 299) {
        snprintf(err, errlen, "HTTP %ld", status);
        return -1;
    }
    return 0;
}

struct upload {
    const char *data;
    size_t len, off;
};

static size_t read_upload(char *buf, size_t size, size_t n, void *u)
{
    struct upload *up = u;
    size_t room = size * n, left = up->len - up->off;
    size_t k = left < room ? left : room;
    memcpy(buf, up->data + up->off, k);
    up->off += k;
    return k;
}

static void b64(const char *in, char *out, size_t cap)
{
    size_t n = strlen(in);
    if (4 * ((n + 2) / 3) + 1 > cap)
        n = (cap - 1) / 4 * 3;
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)in, (int)n);
}

/* Sends the e-mail through SMTP; 0 when the server accepted it. */
static int deliver_email(CURL *curl, const struct config *cfg, const struct message *m, char *err,
                         size_t errlen)
{
    json_t *p = json_loads(m->payload, 0, NULL);
    json_t *c = json_object_get(p, "case");
    char subject[200], subj64[300];
    snprintf(subject, sizeof subject, "Nytt ärende #%lld / New case #%lld", (long long)m->case_id,
             (long long)m->case_id);
    b64(subject, subj64, sizeof subj64);
    char *pretty = json_dumps(c, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    size_t cap = 2048 + (pretty ? strlen(pretty) : 0);
    char *msg = malloc(cap);
    if (!msg) {
        free(pretty);
        json_decref(p);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(msg, cap,
             "From: <%s>\r\nTo: <%s>\r\nSubject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\n"
             "Content-Type: text/plain; charset=utf-8\r\nX-Trygg-Delivery: %lld\r\n\r\n"
             "Ett nytt ärende har tilldelats er enhet. / A new case has been assigned to your "
             "unit.\r\n\r\nKategori / category: %s\r\nPrioritet / priority: %lld\r\n"
             "Senast / due: %s\r\nLänk / link: %s\r\n\r\n%s\r\n",
             cfg->smtp_from, m->target, subj64, (long long)m->id,
             str_or(json_string_value(json_object_get(c, "category")), ""),
             (long long)json_integer_value(json_object_get(c, "priority")),
             str_or(json_string_value(json_object_get(c, "due_at")), "-"),
             str_or(json_string_value(json_object_get(c, "url")), ""), pretty ? pretty : "");
    free(pretty);
    json_decref(p);
    char rcpt[300];
    snprintf(rcpt, sizeof rcpt, "<%s>", m->target);
    struct curl_slist *to = curl_slist_append(NULL, rcpt);
    char from[300];
    snprintf(from, sizeof from, "<%s>", cfg->smtp_from);
    struct upload up = {msg, strlen(msg), 0};
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)OUTBOX_CONNECT_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)OUTBOX_TOTAL_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(to);
    free(msg);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

static void record_result(struct dbc *c, const struct config *cfg, const struct message *m, int ok,
                          const char *err)
{
    sqlite3_stmt *st;
    if (ok) {
        st = db_prepare(c->db, "UPDATE outbox SET state = 'sent', attempts = attempts + 1, "
                               "last_error = NULL, sent_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                               "WHERE id = ?");
        if (st)
            sqlite3_bind_int64(st, 1, m->id);
    } else {
        int attempts = m->attempts + 1;
        int64_t delay = cfg->outbox_base_delay_ms;
        for (int i = 1; i < attempts && delay < cfg->outbox_max_delay_ms; i++)
            delay *= 2;
        if (delay > cfg->outbox_max_delay_ms)
            delay = cfg->outbox_max_delay_ms;
        int dead = attempts >= cfg->outbox_max_attempts;
        st = db_prepare(c->db, "UPDATE outbox SET attempts = ?2, last_error = ?3, "
                               "next_attempt_at = ?4, state = ?5 WHERE id = ?1");
        if (st) {
            sqlite3_bind_int64(st, 1, m->id);
            sqlite3_bind_int(st, 2, attempts);
            sqlite3_bind_text(st, 3, err, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 4, now_ms() + delay);
            sqlite3_bind_text(st, 5, dead ? "dead" : "pending", -1, SQLITE_STATIC);
        }
        log_msg(dead ? LOG_ERROR : LOG_WARN, "outbox %lld (%s) attempt %d failed: %s%s",
                (long long)m->id, m->kind, attempts, err, dead ? "; marked dead" : "");
    }
    if (st) {
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    if (ok) {
        log_msg(LOG_INFO, "outbox %lld (%s) delivered", (long long)m->id, m->kind);
        char note[64];
        snprintf(note, sizeof note, "%s delivered (outbox %lld)", m->kind, (long long)m->id);
        cases_add_comment(c, m->case_id, note, 0, 0, "system", "notified");
    }
}

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int running, stop;
    struct config cfg;
} worker = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

/* Delivers every due message once; returns how many were tried. */
static int deliver_due(struct dbc *c, CURL *curl, const struct config *cfg)
{
    struct message batch[OUTBOX_BATCH];
    int n = 0;
    sqlite3_stmt *st = db_prepare(
        c->db, "SELECT o.id, o.kind, o.unit_id, o.case_id, o.target, o.payload, o.attempts, "
               "u.webhook_secret FROM outbox o JOIN units u ON u.id = o.unit_id WHERE o.state = "
               "'pending' AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?");
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, now_ms());
    sqlite3_bind_int(st, 2, OUTBOX_BATCH);
    while (n < OUTBOX_BATCH && sqlite3_step(st) == SQLITE_ROW) {
        struct message *m = &batch[n++];
        memset(m, 0, sizeof *m);
        m->id = sqlite3_column_int64(st, 0);
        snprintf(m->kind, sizeof m->kind, "%s", sqlite3_column_text(st, 1));
        m->unit_id = sqlite3_column_int64(st, 2);
        m->case_id = sqlite3_column_int64(st, 3);
        m->target = strdup((const char *)sqlite3_column_text(st, 4));
        m->payload = strdup((const char *)sqlite3_column_text(st, 5));
        m->attempts = sqlite3_column_int(st, 6);
        const unsigned char *sec = sqlite3_column_text(st, 7);
        m->secret = sec ? strdup((const char *)sec) : NULL;
    }
    sqlite3_finalize(st);
    for (int i = 0; i < n; i++) {
        char err[OUTBOX_ERROR_MAX] = "";
        int ok = strcmp(batch[i].kind, "webhook") == 0
                     ? deliver_webhook(curl, &batch[i], err, sizeof err) == 0
                     : deliver_email(curl, cfg, &batch[i], err, sizeof err) == 0;
        record_result(c, cfg, &batch[i], ok, err);
        message_free(&batch[i]);
    }
    return n;
}

static void *outbox_main(void *arg)
{
    (void)arg;
    struct dbc c;
    char err[256];
    if (db_open(&c, worker.cfg.db_path, 0, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "outbox: cannot open the database: %s", err);
        return NULL;
    }
    CURL *curl = curl_easy_init();
    for (;;) {
        pthread_mutex_lock(&worker.lock);
        int stop = worker.stop;
        pthread_mutex_unlock(&worker.lock);
        if (stop)
            break;
        int tried = curl ? deliver_due(&c, curl, &worker.cfg) : 0;
        if (tried == OUTBOX_BATCH)
            continue; /* more may be due */
        pthread_mutex_lock(&worker.lock);
        if (!worker.stop) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            int64_t ns = until.tv_nsec + (int64_t)worker.cfg.outbox_poll_ms * 1000000;
            until.tv_sec += (time_t)(ns / 1000000000);
            until.tv_nsec = (long)(ns % 1000000000);
            pthread_cond_timedwait(&worker.wake, &worker.lock, &until);
        }
        pthread_mutex_unlock(&worker.lock);
    }
    curl_easy_cleanup(curl);
    db_close(&c);
    return NULL;
}

int outbox_start(const struct config *cfg)
{
    worker.cfg = *cfg;
    worker.stop = 0;
    if (pthread_create(&worker.thread, NULL, outbox_main, NULL) != 0)
        return -1;
    worker.running = 1;
    return 0;
}

void outbox_stop(void)
{
    if (!worker.running)
        return;
    pthread_mutex_lock(&worker.lock);
    worker.stop = 1;
    pthread_cond_signal(&worker.wake);
    pthread_mutex_unlock(&worker.lock);
    pthread_join(worker.thread, NULL);
    worker.running = 0;
}

/* ---- staff endpoints ------------------------------------------------------- */

int outbox_list(struct req *r)
{
    char state[16];
    int has = http_query_or_reply(r, "state", state, sizeof state);
    if (has < 0)
        return r->status;
    if (has && strcmp(state, "pending") && strcmp(state, "sent") && strcmp(state, "dead"))
        return http_reply_error(r, 422, "invalid_format", "state",
                                "'state' is pending, sent or dead");
    sqlite3_stmt *st = db_prepare(
        r->dbc->db, "SELECT o.id, o.kind, o.case_id, u.code, o.target, o.state, o.attempts, "
                    "o.last_error, o.created_at, o.sent_at, o.next_attempt_at FROM outbox o JOIN "
                    "units u ON u.id = o.unit_id WHERE (?1 IS NULL OR o.state = ?1) ORDER BY o.id "
                    "DESC LIMIT 500");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    db_bind_text_or_null(st, 1, has ? state : NULL);
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(
            arr,
            json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:i, s:s?, s:s, s:s?, s:I}", "id",
                      (json_int_t)sqlite3_column_int64(st, 0), "kind", sqlite3_column_text(st, 1),
                      "case_id", (json_int_t)sqlite3_column_int64(st, 2), "unit",
                      sqlite3_column_text(st, 3), "target", sqlite3_column_text(st, 4), "state",
                      sqlite3_column_text(st, 5), "attempts", sqlite3_column_int(st, 6),
                      "last_error", sqlite3_column_text(st, 7), "created_at",
                      sqlite3_column_text(st, 8), "sent_at", sqlite3_column_text(st, 9),
                      "next_attempt_at_ms", (json_int_t)sqlite3_column_int64(st, 10)));
    sqlite3_finalize(st);
    return http_reply_json(r, 200, json_pack("{s:o}", "messages", arr));
}

int outbox_retry(struct req *r)
{
    int64_t id;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    sqlite3_stmt *st =
        db_prepare(r->dbc->db, "UPDATE outbox SET state = 'pending', attempts = 0, "
                               "next_attempt_at = ? WHERE id = ? AND state != 'sent'");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_int64(st, 1, now_ms());
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    if (sqlite3_changes(r->dbc->db) == 0)
        return http_reply_error(r, 404, "not_found", NULL, "no undelivered message %lld",
                                (long long)id);
    pthread_mutex_lock(&worker.lock);
    pthread_cond_signal(&worker.wake);
    pthread_mutex_unlock(&worker.lock);
    return http_reply_json(r, 200,
                           json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "pending"));
}

int outbox_inbound_update(struct req *r)
{
    const char *code = r->param[0];
    const char *auth = http_header(r, "Authorization");
    if (!auth || strncmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) != 2 * OUTBOX_TOKEN_BYTES)
        return http_reply_error(r, 401, "unauthorized", NULL, "send Authorization: Bearer <token>");
    char hash[65];
    auth_sha256_hex(auth + 7, hash);
    sqlite3_stmt *st =
        db_prepare(r->dbc->db, "SELECT id, coalesce(api_token_hash, '') FROM units WHERE code = ?");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    int64_t unit_id = 0;
    int ok = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        unit_id = sqlite3_column_int64(st, 0);
        const char *stored = (const char *)sqlite3_column_text(st, 1);
        ok = strlen(stored) == 64 && CRYPTO_memcmp(stored, hash, 64) == 0;
    }
    sqlite3_finalize(st);
    if (!ok)
        return http_reply_error(r, 401, "unauthorized", NULL, "unknown unit or wrong token");
    if (!r->json)
        return http_reply_error(r, 400, "malformed_json", NULL, "send a JSON object");
    int64_t case_id;
    const char *state = NULL, *comment = NULL, *ref = NULL;
    if (http_json_int_or_reply(r, r->json, "case_id", 1, 1, INT64_MAX, &case_id, NULL) ||
        http_json_string_or_reply(r, r->json, "state", NULL, 0, 32, &state) ||
        http_json_string_or_reply(r, r->json, "comment", NULL, 0, 4000, &comment) ||
        http_json_string_or_reply(r, r->json, "external_ref", NULL, 0, 200, &ref))
        return r->status;
    char label[160], err[256] = "";
    snprintf(label, sizeof label, "unit:%s", code);
    /* The case must be this unit's. */
    st = db_prepare(r->dbc->db, "SELECT 1 FROM cases WHERE observation_id = ? AND unit_id = ?");
    int mine = 0;
    if (st) {
        sqlite3_bind_int64(st, 1, case_id);
        sqlite3_bind_int64(st, 2, unit_id);
        mine = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
    }
    if (!mine)
        return http_reply_error(r, 404, "not_found", "case_id", "no case %lld for this unit",
                                (long long)case_id);
    if (state) {
        enum cases_result res = cases_transition(r->dbc, r->cfg, case_id, state, NULL, comment, 0,
                                                 ROLE_UNIT, unit_id, 0, label, err, sizeof err);
        if (res == CASES_CONFLICT)
            return http_reply_error(r, 409, "invalid_transition", "state", "%s", err);
        if (res != CASES_OK)
            return http_reply_error(r, res == CASES_INVALID ? 422 : 500,
                                    res == CASES_INVALID ? "invalid_format" : "internal", "state",
                                    "%s", err);
    } else if (comment && *comment) {
        cases_add_comment(r->dbc, case_id, comment, 0, 0, label, "external_update");
    }
    if (ref) {
        st = db_prepare(r->dbc->db, "UPDATE cases SET external_ref = ? WHERE observation_id = ?");
        if (st) {
            sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 2, case_id);
            sqlite3_step(st);
            sqlite3_finalize(st);
        }
        char note[260];
        snprintf(note, sizeof note, "work order %s", ref);
        cases_add_comment(r->dbc, case_id, note, 0, 0, label, "external_update");
    }
    return http_reply_json(r, 200,
                           json_pack("{s:I, s:b}", "case_id", (json_int_t)case_id, "accepted", 1));
}

int outbox_cli_unit_token(struct dbc *c, const char *code)
{
    char token[2 * OUTBOX_TOKEN_BYTES + 1], hash[65];
    if (!code) {
        fprintf(stderr, "trygg: usage: trygg unit token CODE\n");
        return 2;
    }
    if (random_hex(token, OUTBOX_TOKEN_BYTES) != 0)
        return 1;
    auth_sha256_hex(token, hash);
    sqlite3_stmt *st = db_prepare(c->db, "UPDATE units SET api_token_hash = ? WHERE code = ?");
    if (!st)
        return 1;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_changes(c->db) == 0) {
        fprintf(stderr, "trygg: no unit has the code '%s'\n", code);
        return 1;
    }
    printf("%s\n", token);
    return 0;
}
