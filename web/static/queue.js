/*
 * trygg — the phone's outbox (IndexedDB). Every report, and every perception
 * audit of a walk, is stored here first, with its client_id, before anything
 * is sent; flush() sends what waits. The server answers a repeated client_id
 * with the same observation (or audit), and each photo carries its own
 * Idempotency-Key, so a retry after a lost answer never creates a second
 * report, audit or photo: each arrives exactly once.
 *
 * A record is {client_id, kind: "report" | "audit", payload, photos, state,
 * server_id, status, error, created}; a record without kind (stored by an
 * earlier version) is a report. An audit is posted to
 * /api/v1/walks/{payload.walk}/audits without the walk field.
 *
 * rec.net says what the last attempt met, so the app can say it honestly:
 * "sent"; "offline" (the phone had no network: saved, sent later); "lost" (the
 * request went out with the network up but no answer came back: it may have
 * arrived, and the retry with the same client_id finds out).
 */
const DB = "trygg", STORE = "reports", VERSION = 1;
let dbPromise = null;

function open() {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise(function (resolve, reject) {
    var req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = function () {
      var db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "client_id" });
    };
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { reject(req.error); };
  });
  return dbPromise;
}

function tx(mode, fn) {
  return open().then(function (db) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(STORE, mode);
      var store = t.objectStore(STORE);
      var result;
      Promise.resolve(fn(store)).then(function (r) { result = r; });
      t.oncomplete = function () { resolve(result); };
      t.onerror = function () { reject(t.error); };
      t.onabort = function () { reject(t.error); };
    });
  });
}

/* A random (version 4) UUID, the client_id of a report and the Idempotency-Key of a photo. */
export function uuid() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  var b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}

/* Stores a new report {payload, photos: [Blob]} and returns its record. */
export function add(payload, photos) {
  return store("report", payload, photos);
}

/*
 * Stores a new perception audit of walk code: payload {lon, lat, ratings,
 * group_id?, observed_at?}; returns its record.
 */
export function addAudit(code, payload) {
  var p = Object.assign({}, payload, { walk: code });
  return store("audit", p, []);
}

function store(kind, payload, photos) {
  var rec = {
    client_id: payload.client_id || uuid(),
    kind: kind,
    payload: payload,
    photos: (photos || []).map(function (blob) { return { key: uuid(), blob: blob, done: false }; }),
    state: "waiting", // waiting | sent | failed
    server_id: null,
    status: null,
    error: null,
    created: new Date().toISOString()
  };
  rec.payload.client_id = rec.client_id;
  return tx("readwrite", function (s) { s.put(rec); }).then(function () { return rec; });
}

/* Every stored report, newest first. */
export function all() {
  return tx("readonly", function (s) {
    return new Promise(function (resolve) {
      var req = s.getAll();
      req.onsuccess = function () { resolve(req.result || []); };
    });
  }).then(function (list) {
    return list.sort(function (a, b) { return a.created < b.created ? 1 : -1; });
  });
}

/* Stores rec again after a change. */
export function put(rec) { return tx("readwrite", function (s) { s.put(rec); }); }

let flushing = null;

/* Where a record is posted, and the body sent. */
function target(rec) {
  if (rec.kind !== "audit") return { url: "/api/v1/observations", body: rec.payload };
  var body = Object.assign({}, rec.payload);
  delete body.walk;
  return { url: "/api/v1/walks/" + encodeURIComponent(rec.payload.walk) + "/audits", body: body };
}

const progressListeners = [];
/* fn(rec, step, total) is called before each request of a record: step 0 is the report, 1.. its photos. */
export function onProgress(fn) { progressListeners.push(fn); }
function progress(rec, step, total) {
  progressListeners.forEach(function (fn) { try { fn(rec, step, total); } catch (e) { /* ignore */ } });
}

/* Marks a failed attempt as "offline" or "lost" (see above), stores it, and fails on. */
function networkFailed(rec, e) {
  if (e && e.final) throw e;
  /* An HTTP error is an answer (the server is busy or away): saved, sent later. */
  rec.net = navigator.onLine && !(e && /^HTTP /.test(e.message || "")) ? "lost" : "offline";
  return put(rec).then(function () { throw e; });
}

/* Sends one waiting record: the observation (or audit), then each photo not yet done. */
function sendOne(rec) {
  var chain;
  var total = 1 + rec.photos.filter(function (ph) { return !ph.done; }).length, step = 0;
  if (rec.server_id && rec.upload_token) {
    chain = Promise.resolve();
  } else {
    var to = target(rec);
    progress(rec, step, total);
    chain = fetch(to.url, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(to.body)
    }).then(function (res) {
      return res.json().then(function (body) {
        if (res.status === 200 || res.status === 201) {
          rec.server_id = body.id || (body.audit && body.audit.id) || true;
          rec.status = body.status || null;
          rec.upload_token = body.upload_token; // photo uploads must show it (X-Upload-Token)
          return put(rec);
        }
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          rec.state = "failed";
          rec.error = (body && body.error && body.error.message) || ("HTTP " + res.status);
          return put(rec).then(function () { throw { final: true }; });
        }
        throw new Error("HTTP " + res.status);
      });
    });
  }
  return chain.then(function () {
    var p = Promise.resolve();
    rec.photos.forEach(function (ph) {
      if (ph.done) return;
      p = p.then(function () {
        progress(rec, ++step, total);
        return fetch("/api/v1/observations/" + rec.server_id + "/photos", {
          method: "POST", headers: { "Content-Type": ph.blob.type || "image/jpeg", "Idempotency-Key": ph.key,
                                     "X-Upload-Token": rec.upload_token },
          body: ph.blob
        }).then(function (res) {
          if (res.status === 200 || res.status === 201) {
            ph.done = true;
            ph.blob = null; // free the phone's storage once the server has it
            return put(rec);
          }
          // An expired token: the next flush files the report again (a repeat) for a new one.
          if (res.status === 401) { rec.upload_token = null; return put(rec).then(function () { throw new Error("HTTP 401"); }); }
          if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
            ph.done = true; // a photo the server refuses is not retried forever
            ph.error = "HTTP " + res.status;
            return put(rec);
          }
          throw new Error("HTTP " + res.status);
        });
      });
    });
    return p;
  }).catch(function (e) {
    return networkFailed(rec, e);
  }).then(function () {
    rec.state = "sent";
    rec.net = "sent";
    return put(rec);
  }).catch(function (e) {
    if (e && e.final) return;
    throw e;
  });
}

/* Sends every waiting record, one at a time, oldest first. Resolves when done or offline. */
export function flush() {
  if (flushing) return flushing;
  flushing = all().then(function (list) {
    var p = Promise.resolve();
    list.filter(function (r) { return r.state === "waiting"; }).reverse().forEach(function (rec) {
      p = p.then(function () { return sendOne(rec); });
    });
    return p;
  }).catch(function () { /* offline or server away: try again later */ })
    .then(function () { flushing = null; notify(); });
  return flushing;
}

const listeners = [];
function notify() { listeners.forEach(function (fn) { try { fn(); } catch (e) { /* ignore */ } }); }
/* fn() is called after every flush, when reports may have changed state. */
export function onChange(fn) { listeners.push(fn); }
