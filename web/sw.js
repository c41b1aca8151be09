/*
 * trygg service worker: keeps the field app's shell, scripts and reference
 * data on the phone so the app opens and files reports without a network.
 * Reports themselves wait in IndexedDB (static/queue.js), never here.
 */
"use strict";
var SHELL = "trygg-shell-v6";
/* The local basemap's tiles (/tiles/, tiles_mbtiles): cache first, at most MAX_TILES kept. */
var TILES = "trygg-tiles-v1", MAX_TILES = 2000;
/*
 * The field app's whole module graph (app.js and everything it imports) must
 * be listed here, with the reference data it needs: opening a walk's join
 * link once is enough for the app to work offline. (The walk itself is kept
 * by the app: the worker cannot know the code when it installs.)
 */
var SHELL_FILES = [
  "/", "/manifest.webmanifest",
  "/static/app.css", "/static/app.js", "/static/common.js", "/static/i18n.js", "/static/texts-public.js",
  "/static/icons.js", "/static/queue.js", "/static/fieldwalk.js", "/static/walkmap.js", "/static/tilecache.js", "/static/pinplace.js",
  "/static/theme.js", "/static/icon.svg", "/static/icon-192.png",
  "/api/v1/areas", "/api/v1/categories", "/api/v1/config",
  "/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css"
];
/* Reference data the app needs to draw its buttons: network first, cached copy offline. */
var DATA = /^\/api\/v1\/(categories|config|areas|walks\/[^/]+)$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(SHELL_FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== SHELL && k !== TILES; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request, cacheKey) {
  return fetch(request).then(function (res) {
    if (res.ok) {
      var copy = res.clone();
      caches.open(SHELL).then(function (c) { c.put(cacheKey || request, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(cacheKey || request).then(function (hit) {
      return hit || Response.error();
    });
  });
}

/* A tile from the cache, else from the network (and kept); offline and not kept: an error. */
function tileFirst(request) {
  return caches.open(TILES).then(function (c) {
    return c.match(request).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (res) {
        if (res.ok) c.put(request, res.clone()).then(trimTiles);
        return res;
      });
    });
  });
}

/* Keeps the tile cache bounded: the oldest entries go first. */
function trimTiles() {
  return caches.open(TILES).then(function (c) {
    return c.keys().then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_TILES)).map(function (k) { return c.delete(k); }));
    });
  });
}

/* The field app asks for the tiles around a walk (static/tilecache.js): fetched now, kept for offline. */
self.addEventListener("message", function (event) {
  var d = event.data || {};
  if (d.type !== "precache-tiles" || !Array.isArray(d.urls)) return;
  var urls = d.urls.slice(0, 400).filter(function (u) { return typeof u === "string" && u.indexOf("/tiles/") === 0; });
  event.waitUntil(caches.open(TILES).then(function (c) {
    var p = Promise.resolve();
    urls.forEach(function (u) {
      p = p.then(function () {
        return c.match(u).then(function (hit) {
          if (hit) return;
          return fetch(u).then(function (res) { if (res.ok) return c.put(u, res); }).catch(function () { /* offline: later */ });
        });
      });
    });
    return p.then(trimTiles).then(function () {
      if (event.source) event.source.postMessage({ type: "precache-tiles-done", count: urls.length });
    });
  }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return; // reports and photos go straight to the network
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && (url.pathname === "/" || url.pathname.indexOf("/w/") === 0)) {
    /* Every field-app page is the same document; the walk code is read from the URL. */
    event.respondWith(networkFirst(req, "/"));
    return;
  }
  if (url.pathname.indexOf("/tiles/") === 0) {
    event.respondWith(tileFirst(req));
    return;
  }
  if (DATA.test(url.pathname)) {
    event.respondWith(networkFirst(req));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/vendor/") === 0 ||
      url.pathname === "/manifest.webmanifest") {
    event.respondWith(networkFirst(req));
  }
});
