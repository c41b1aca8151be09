/*
 * delivery — see delivery.h.
 *
 * THREAD SAFETY NOTES: delivery_enqueue_assignment runs on a worker thread
 * with that worker's connection, inside its transaction. Delivery runs on one
 * thread of its own (delivery_start) with its own connection and curl handle;
 * the only shared state is the stop flag and the wake-up condition, under a
 * mutex.
 *
 * A message stays 'pending' until a 2xx (webhook) or an accepted DATA (SMTP)
 * is recorded, so a crash between sending and recording sends it again. The
 * "delivered" event is written in the same transaction as the 'sent' mark, and
 * only when that mark changed a row.
 */
#include "delivery.h"
#include "case_store.h"
#include "crypto.h"
#include "log.h"
#include "obs_store.h"
#include "outbox_store.h"
#include "unit_store.h"
#include "views.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DELIVERY_BATCH 20
#define DELIVERY_CONNECT_TIMEOUT_S 5
#define DELIVERY_TOTAL_TIMEOUT_S 15
#define DELIVERY_ERROR_MAX 300
#define FOLLOW_UP_TOKEN_BYTES 32 /* 256 random bits per unsubscribe link */

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

/* 1 when s could go into a mail header or URL without breaking it. */
static int header_safe(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

/* ---- enqueue ------------------------------------------------------------- */

/* The case as the unit's system receives it: no contact details, ever. */
static json_t *case_payload(struct dbc *c, const struct config *cfg, int64_t case_id,
                            const struct unit_contact *u)
{
    int failed = 0;
    json_t *obs = views_observation_for_unit(c, case_id, &failed);
    if (!obs)
        return NULL;
    char url[400];
    snprintf(url, sizeof url, "%s/api/v1/observations/%lld",
             cfg->public_base_url[0] ? cfg->public_base_url : "", (long long)case_id);
    json_object_set_new(obs, "url", json_string(url));
    json_t *wf = case_store_workflow_json(c, case_id);
    if (wf)
        json_object_update(obs, wf);
    json_decref(wf);
    /* Units outside the organisation are told about the case; inside ones get the work. */
    return json_pack("{s:s, s:o, s:{s:s, s:s, s:b}}", "event",
                     u->internal ? "case.assigned" : "case.notified", "case", obs, "unit", "code",
                     u->code, "name", u->name, "internal", u->internal);
}

int delivery_enqueue_assignment(struct dbc *c, const struct config *cfg, int64_t case_id,
                                int64_t unit_id)
{
    struct unit_contact u;
    if (unit_store_contact(c, unit_id, &u) != 1)
        return -1;
    int mail = u.email[0] && cfg->smtp_url[0] && header_safe(u.email);
    if (!u.webhook_url[0] && !mail)
        return 0;
    json_t *p = case_payload(c, cfg, case_id, &u);
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (!payload)
        return -1;
    int n = 0, rc = 0;
    if (u.webhook_url[0]) {
        rc |= outbox_store_insert(c, "webhook", unit_id, case_id, u.webhook_url, payload, now_ms());
        n++;
    }
    if (mail) {
        rc |= outbox_store_insert(c, "email", unit_id, case_id, u.email, payload, now_ms());
        n++;
    }
    free(payload);
    return rc ? -1 : n;
}

int delivery_enqueue_follow_up(struct dbc *c, const struct config *cfg, int64_t case_id,
                               const char *status, const char *public_comment)
{
    if (!cfg->smtp_url[0])
        return 0;
    json_t *subs = obs_store_follow_ups(c, case_id, status);
    if (!subs)
        return -1;
    int n = 0, rc = 0;
    size_t i;
    json_t *s;
    json_array_foreach(subs, i, s)
    {
        const char *email = json_string_value(json_object_get(s, "email"));
        if (!header_safe(email))
            continue; /* validated at filing; never let one into a header */
        json_int_t id = json_integer_value(json_object_get(s, "id"));
        /* Only what the public report page shows: no unit contact, no internal note. */
        json_t *p =
            json_pack("{s:I, s:s, s:s, s:s?}", "observation_id", id, "lang",
                      str_or(json_string_value(json_object_get(s, "lang")), "sv"), "status", status,
                      "comment", public_comment && *public_comment ? public_comment : NULL);
        char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
        json_decref(p);
        if (!payload || outbox_store_insert_follow_up(c, id, email, payload, now_ms()) != 0)
            rc = -1;
        free(payload);
        n++;
    }
    json_decref(subs);
    return rc ? -1 : n;
}

/* ---- delivery ------------------------------------------------------------ */

static size_t discard(void *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

/* POSTs the payload; 0 on 2xx, else -1 with err. */
static int deliver_webhook(CURL *curl, const struct outbox_message *m, char *err, size_t errlen)
{
    char ts[32], sig_hdr[128], ts_hdr[64], del_hdr[64];
    snprintf(ts, sizeof ts, "%lld", (long long)(now_ms() / 1000));
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "User-Agent: trygg/" TRYGG_VERSION);
    snprintf(ts_hdr, sizeof ts_hdr, "X-Trygg-Timestamp: %s", ts);
    snprintf(del_hdr, sizeof del_hdr, "X-Trygg-Delivery: %lld", (long long)m->id);
    h = curl_slist_append(h, ts_hdr);
    h = curl_slist_append(h, del_hdr);
    if (m->secret && *m->secret) {
        /* HMAC-SHA256 over "<timestamp>.<body>": the receiver can check both. */
        size_t blen = strlen(ts) + 1 + strlen(m->payload);
        char *signed_text = malloc(blen + 1), mac[CRYPTO_SHA256_HEX];
        if (!signed_text) {
            curl_slist_free_all(h);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        snprintf(signed_text, blen + 1, "%s.%s", ts, m->payload);
        int ok = crypto_hmac_sha256_hex(m->secret, signed_text, blen, mac) == 0;
        free(signed_text);
        if (!ok) {
            curl_slist_free_all(h);
            snprintf(err, errlen, "signing failed");
            return -1;
        }
        snprintf(sig_hdr, sizeof sig_hdr, "X-Trygg-Signature: sha256=%s", mac);
        h = curl_slist_append(h, sig_hdr);
    }
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, m->target);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, m->payload);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)DELIVERY_CONNECT_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)DELIVERY_TOTAL_TIMEOUT_S);
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

/* Sends msg (a whole RFC 5322 message) to target through SMTP; 0 when accepted. */
static int smtp_send(CURL *curl, const struct config *cfg, const char *target, const char *msg,
                     char *err, size_t errlen)
{
    char rcpt[300], from[300];
    snprintf(rcpt, sizeof rcpt, "<%s>", target);
    snprintf(from, sizeof from, "<%s>", cfg->smtp_from);
    struct curl_slist *to = curl_slist_append(NULL, rcpt);
    struct upload up = {msg, strlen(msg), 0};
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)DELIVERY_CONNECT_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)DELIVERY_TOTAL_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(to);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

/* Tells a walk participant that the protocol and the answers are ready. */
static int deliver_participant_email(CURL *curl, const struct config *cfg,
                                     const struct outbox_message *m, json_t *p, char *err,
                                     size_t errlen)
{
    const char *title = str_or(json_string_value(json_object_get(p, "title")), "");
    char subject[400], subj64[600], msg[4096];
    snprintf(subject, sizeof subject, "Protokollet är klart: %s / The protocol is ready", title);
    b64(subject, subj64, sizeof subj64);
    snprintf(msg, sizeof msg,
             "From: <%s>\r\nTo: <%s>\r\nSubject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\n"
             "Content-Type: text/plain; charset=utf-8\r\nX-Trygg-Delivery: %lld\r\n\r\n"
             "Tack för att du var med på trygghetsvandringen \"%s\".\r\n"
             "Protokollet och svaren från de ansvariga finns här:\r\n%s\r\n\r\n"
             "Thank you for taking part in the safety walk. The protocol and the answers of "
             "those responsible are here:\r\n%s\r\n\r\n"
             "Du fick detta mejl för att du lämnade din adress när du gick med. / You get this "
             "because you left your address when you joined.\r\n",
             cfg->smtp_from, m->target, subj64, (long long)m->id, title,
             str_or(json_string_value(json_object_get(p, "url")), ""),
             str_or(json_string_value(json_object_get(p, "url")), ""));
    return smtp_send(curl, cfg, m->target, msg, err, errlen);
}

/* The public status in words, as the report page says it. */
static const char *status_words(const char *status, int en)
{
    static const struct {
        const char *code, *sv, *en;
    } words[] = {
        {"new", "Ny", "New"},
        {"acknowledged", "Mottagen", "Received"},
        {"assigned", "Tilldelad den ansvariga enheten", "Assigned to the responsible unit"},
        {"in_progress", "Åtgärdas", "Being fixed"},
        {"resolved", "Åtgärdad", "Fixed"},
        {"rejected", "Avslutad utan åtgärd", "Closed without action"},
        {"duplicate", "Dubblett", "Duplicate"},
    };
    for (size_t i = 0; status && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i].code, status) == 0)
            return en ? words[i].en : words[i].sv;
    return str_or(status, "");
}

/*
 * Tells a reporter who follows the report that its status changed, in the
 * language it was filed in. Each mail carries an unsubscribe token of its own,
 * made here and stored only as its hash: no readable token is ever stored.
 * Returns 0 when sent, -1 on failure (err), 1 when the reporter no longer
 * follows the report (the message is cancelled here, nothing sent).
 */
static int deliver_follow_up_email(struct dbc *c, CURL *curl, const struct config *cfg,
                                   const struct outbox_message *m, json_t *p, char *err,
                                   size_t errlen)
{
    char token[2 * FOLLOW_UP_TOKEN_BYTES + 1], hash[CRYPTO_SHA256_HEX];
    if (crypto_random_hex(token, FOLLOW_UP_TOKEN_BYTES) != 0) {
        snprintf(err, errlen, "no randomness for the unsubscribe token");
        return -1;
    }
    crypto_sha256_hex(token, strlen(token), hash);
    int added = obs_store_follow_up_token_add(c, m->case_id, hash);
    if (added < 0) {
        snprintf(err, errlen, "the unsubscribe token could not be stored");
        return -1;
    }
    if (added == 0) { /* unsubscribed (or erased) since it was queued */
        if (outbox_store_cancel(c, m->id, "the reporter stopped the follow-up") < 0)
            log_msg(LOG_ERROR, "outbox %lld: cannot cancel: %s", (long long)m->id,
                    sqlite3_errmsg(c->db));
        return 1;
    }
    int en = strcmp(str_or(json_string_value(json_object_get(p, "lang")), "sv"), "en") == 0;
    const char *words = status_words(json_string_value(json_object_get(p, "status")), en);
    const char *comment = json_string_value(json_object_get(p, "comment"));
    long long id = (long long)m->case_id;
    const char *base = cfg->public_base_url;
    char subject[300], subj64[500], report[400], unsub[400], said[64];
    snprintf(subject, sizeof subject, en ? "Your report #%lld: %s" : "Din rapport #%lld: %s", id,
             words);
    b64(subject, subj64, sizeof subj64);
    snprintf(report, sizeof report, "%s/r/%lld", base, id);
    snprintf(unsub, sizeof unsub, "%s/unsubscribe?token=%s", base, token);
    snprintf(said, sizeof said, "%s", en ? "The municipality's answer:" : "Kommunens svar:");
    size_t cap = 3072 + (comment ? strlen(comment) : 0);
    char *msg = malloc(cap);
    if (!msg) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* RFC 8058 one-click: a POST to the page's own URL unsubscribes (api_follow_up.c);
     * a GET (a link scanner's prefetch) only shows the page with its button. The
     * header needs an absolute URL: without public_base_url there is none. */
    char list_unsub[600] = "";
    if (strncmp(base, "http", 4) == 0)
        snprintf(list_unsub, sizeof list_unsub,
                 "List-Unsubscribe: <%s>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
                 unsub);
    snprintf(msg, cap,
             "From: <%s>\r\nTo: <%s>\r\nSubject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\n"
             "Content-Type: text/plain; charset=utf-8\r\nContent-Language: %s\r\n"
             "X-Trygg-Delivery: %lld\r\n%s\r\n"
             "%s\r\n\r\n%s %s\r\n%s%s%s%s\r\n%s\r\n%s\r\n\r\n%s\r\n%s\r\n",
             cfg->smtp_from, m->target, subj64, en ? "en" : "sv", (long long)m->id, list_unsub,
             en ? "The status of your report has changed."
                : "Statusen för din rapport har ändrats.",
             en ? "New status:" : "Ny status:", words, comment ? "\r\n" : "", comment ? said : "",
             comment ? "\r\n" : "", comment ? comment : "",
             en ? "See the report:" : "Se rapporten:", report,
             en ? "You get this because you asked to be told when the status changes. "
                  "To stop these e-mails, open:"
                : "Du får detta för att du bad att få veta när statusen ändras. "
                  "För att sluta få dessa mejl, öppna:",
             unsub);
    int rc = smtp_send(curl, cfg, m->target, msg, err, errlen);
    free(msg);
    return rc;
}

/* Sends the e-mail through SMTP; 0 when the server accepted it, 1 when it was
 * cancelled instead (recorded already), -1 on failure. */
static int deliver_email(struct dbc *db, CURL *curl, const struct config *cfg,
                         const struct outbox_message *m, char *err, size_t errlen)
{
    if (!header_safe(m->target) || !header_safe(cfg->smtp_from)) {
        snprintf(err, errlen, "the address contains a line break");
        return -1;
    }
    json_t *p = json_loads(m->payload, 0, NULL);
    json_t *c = json_object_get(p, "case");
    if (strcmp(m->kind, "participant_email") == 0 || strcmp(m->kind, "follow_up_email") == 0) {
        int rc = m->kind[0] == 'p' ? deliver_participant_email(curl, cfg, m, p, err, errlen)
                                   : deliver_follow_up_email(db, curl, cfg, m, p, err, errlen);
        json_decref(p);
        return rc;
    }
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
    int rc = smtp_send(curl, cfg, m->target, msg, err, errlen);
    free(msg);
    return rc;
}

/*
 * Records the outcome of one attempt in its own transaction: 'sent' plus the
 * "delivered" event (only when the mark changed a row), or the failed attempt
 * with its backoff. A failure to record is logged; the message stays pending
 * and is sent again (at least once).
 */
static void record_result(struct dbc *c, const struct config *cfg, const struct outbox_message *m,
                          int ok, const char *err)
{
    if (db_begin(c) != 0) {
        log_msg(LOG_ERROR, "outbox %lld: cannot record the attempt: %s", (long long)m->id,
                sqlite3_errmsg(c->db));
        return;
    }
    int rc;
    if (ok) {
        rc = outbox_store_mark_sent(c, m->id);
        if (rc == 1 && m->case_id > 0) {
            char note[64];
            snprintf(note, sizeof note, "%s delivered (outbox %lld)", m->kind, (long long)m->id);
            if (case_store_add_event(c, m->case_id, 0, "system", "notified", NULL, NULL, note, 0) !=
                0)
                rc = -1;
        }
    } else {
        int attempts = m->attempts + 1;
        int64_t delay = cfg->outbox_base_delay_ms;
        for (int i = 1; i < attempts && delay < cfg->outbox_max_delay_ms; i++)
            delay *= 2;
        if (delay > cfg->outbox_max_delay_ms)
            delay = cfg->outbox_max_delay_ms;
        int dead = attempts >= cfg->outbox_max_attempts;
        rc = outbox_store_mark_failed(c, m->id, attempts, err, now_ms() + delay, dead);
        log_msg(dead ? LOG_ERROR : LOG_WARN, "outbox %lld (%s) attempt %d failed: %s%s",
                (long long)m->id, m->kind, attempts, err, dead ? "; marked dead" : "");
    }
    if (rc < 0 || db_commit(c) != 0) {
        log_msg(LOG_ERROR, "outbox %lld: recording the attempt failed: %s", (long long)m->id,
                sqlite3_errmsg(c->db));
        db_rollback(c);
        return;
    }
    if (ok)
        log_msg(LOG_INFO, "outbox %lld (%s) delivered", (long long)m->id, m->kind);
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
    struct outbox_message batch[DELIVERY_BATCH];
    int n = outbox_store_due(c, now_ms(), batch, DELIVERY_BATCH);
    if (n < 0) {
        log_msg(LOG_ERROR, "outbox: reading due messages failed: %s", sqlite3_errmsg(c->db));
        return 0;
    }
    for (int i = 0; i < n; i++) {
        char err[DELIVERY_ERROR_MAX] = "";
        int rc = strcmp(batch[i].kind, "webhook") == 0
                     ? deliver_webhook(curl, &batch[i], err, sizeof err)
                     : deliver_email(c, curl, cfg, &batch[i], err, sizeof err);
        if (rc != 1) /* 1: cancelled, recorded already */
            record_result(c, cfg, &batch[i], rc == 0, err);
        outbox_store_message_free(&batch[i]);
    }
    return n;
}

static void *delivery_main(void *arg)
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
        if (tried == DELIVERY_BATCH)
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

int delivery_start(const struct config *cfg)
{
    worker.cfg = *cfg;
    worker.stop = 0;
    if (pthread_create(&worker.thread, NULL, delivery_main, NULL) != 0)
        return -1;
    worker.running = 1;
    return 0;
}

void delivery_stop(void)
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

void delivery_wake(void)
{
    pthread_mutex_lock(&worker.lock);
    pthread_cond_signal(&worker.wake);
    pthread_mutex_unlock(&worker.lock);
}
