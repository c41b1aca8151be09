/*
 * trygg — the field app: pick a category, place the pin, add a photo and a
 * line, send. Everything goes through the phone's queue (queue.js) so that no
 * report is lost when the network drops. Talks to the server only through the
 * documented JSON API.
 */
import { $, el, api, getJSON, loadCategories, categories, categoryName, loadConfig, limit } from "./common.js";
import { t, apply, locale, lang, useTexts, languageButton } from "./i18n.js";
import texts from "./texts-public.js";
import * as icons from "./icons.js";
import * as queue from "./queue.js";
import * as fieldwalk from "./fieldwalk.js";
import * as pinplace from "./pinplace.js";

useTexts(texts);

var state = {
  config: null, walk: null, category: null,
  pin: null, accuracy: null, pinSource: null, watchId: null, photo: null
};
var map = null, marker = null, circle = null, areasFc = null, areaLabels = null;

/* ---- categories -------------------------------------------------------- */

function renderCategories() {
  var box = $("categories");
  box.textContent = "";
  var groups = [["problem", "problems"], ["good", "good_places"]];
  groups.forEach(function (g) {
    var list = categories().filter(function (c) { return c.kind === g[0]; });
    if (!list.length) return;
    if (g[0] === "good") box.appendChild(el("h3", { className: "group-title", text: t(g[1]) }));
    list.forEach(function (c) {
      var b = el("button", { type: "button", className: "category" + (c.kind === "good" ? " good" : "") },
        [icons.icon(c.icon, 36), el("span", { text: categoryName(c.code) })]);
      b.style.setProperty("--cat", icons.colour(c.code));
      b.addEventListener("click", function () { chooseCategory(c.code); });
      box.appendChild(b);
    });
  });
}

function chooseCategory(code) {
  state.category = code;
  $("step-category").hidden = true;
  $("done").hidden = true;
  $("report").hidden = false;
  $("chosen-category").textContent = categoryName(code);
  $("form-error").textContent = "";
  ensureMap();
  startGps();
  $("h-place").setAttribute("tabindex", "-1");
  $("h-place").focus();
  checkNearby();
}

/* ---- the map and the pin ----------------------------------------------- */

function ensureMap() {
  if (map) {
    /* Shown again: the labels are measured afresh (while hidden they had no size). */
    setTimeout(function () { map.invalidateSize(); if (areaLabels) areaLabels.layout(); }, 0);
    return;
  }
  var centre = [57.7210, 12.9401], zoom = 13;
  var bbox = state.config && state.config.municipality && state.config.municipality.bbox;
  map = L.map("pick-map", { zoomControl: true, attributionControl: true, keyboard: true });
  if (bbox) map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]); else map.setView(centre, zoom);
  var tiles = state.config && state.config.tiles;
  if (tiles && tiles.url) L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
  map.on("click", function (e) { setPin(e.latlng.lat, e.latlng.lng, "map", null); });
  /* On a walk: its route, meeting point and stops, and the map starts on them. */
  var walkBounds = fieldwalk.drawOn(map);
  if (walkBounds && walkBounds.isValid()) map.fitBounds(walkBounds, { padding: [20, 20], maxZoom: 17 });
  /* Where "put the pin in the middle of the map" puts it: drawn, not interactive. */
  map.getContainer().appendChild(el("div", { className: "map-crosshair", "aria-hidden": "true" }));
  /* Without a basemap the local network areas give the pin some context; their
   * labels never overlap (pinplace.drawAreas), and the legend lists them all. */
  getJSON("/api/v1/areas").then(function (fc) {
    areasFc = fc;
    areaLabels = pinplace.drawAreas(map, fc, $("area-legend"));
    if (state.pin) describePin();
  }).catch(function () { /* offline: the pin alone will do */ });
  setTimeout(function () { map.invalidateSize(); }, 0);
}

/* ---- the pin in words, and moved by keyboard ------------------------------------ */

/* One arrow key press moves the pin this far; with Shift, PIN_STEP_LARGE_M. */
var PIN_STEP_M = 5, PIN_STEP_LARGE_M = 25;
var ARROWS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

function pinKey(ev) {
  var dir = ARROWS[ev.key];
  if (!dir || !state.pin || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  ev.preventDefault();
  ev.stopPropagation();
  var step = ev.shiftKey ? PIN_STEP_LARGE_M : PIN_STEP_M;
  var p = pinplace.moveBy(state.pin.lat, state.pin.lon, dir[0] * step, dir[1] * step);
  stopGps();
  setPin(p[0], p[1], "keyboard", null);
  map.panInside([p[0], p[1]], { padding: [48, 48] });
}

/* The pin's accessible name, and the position text as its description. */
function labelPin() {
  var node = marker && marker.getElement();
  if (!node) return;
  node.setAttribute("aria-label", t("pin_label"));
  node.setAttribute("aria-describedby", "pin-place");
}

/* The last answer of the server, kept to say again in another language. */
var placeAnswer = null, describeSeq = 0, describeTimer = null;

/* Shows where the pin is: at once the coordinates (behind a disclosure) and,
 * shortly after, the area and the nearest named place from the server; the
 * area alone from the cached outlines when the server cannot be asked. */
function describePin() {
  var pin = state.pin;
  if (!pin) return;
  $("pin-coords").hidden = false;
  showCoords(null);
  clearTimeout(describeTimer);
  var seq = ++describeSeq;
  describeTimer = setTimeout(function () {
    pinplace.describe(pin.lon, pin.lat).then(function (d) {
      if (seq !== describeSeq) return;
      placeAnswer = d;
      $("pin-place").textContent = pinplace.placeText(d);
      showCoords(d);
    }).catch(function () {
      if (seq !== describeSeq) return;
      placeAnswer = null;
      $("pin-place").textContent = pinplace.offlineText(areasFc, pin.lon, pin.lat);
    });
  }, 200);
}

function showCoords(d) {
  var pin = state.pin;
  var text = t("pin_coords_wgs84", { lat: pin.lat.toFixed(6), lon: pin.lon.toFixed(6) });
  if (d && d.sweref99tm) text += " · " + t("pin_coords_sweref", { n: Math.round(d.sweref99tm.n), e: Math.round(d.sweref99tm.e) });
  $("pin-coords-text").textContent = text;
}

var pinIcon = L.divIcon({ className: "pin", html: "<span class=\"pin-head\"></span>", iconSize: [36, 48], iconAnchor: [18, 46] });

function setPin(lat, lon, source, accuracy) {
  state.pin = { lat: lat, lon: lon };
  state.pinSource = source;
  state.accuracy = accuracy;
  if (!marker) {
    marker = L.marker([lat, lon], { draggable: true, icon: pinIcon, keyboard: true, zIndexOffset: 1000 }).addTo(map);
    marker.on("dragend", function () {
      var p = marker.getLatLng();
      stopGps();
      setPin(p.lat, p.lng, "drag", null);
    });
    L.DomEvent.on(marker.getElement(), "keydown", pinKey);
    labelPin();
  } else {
    marker.setLatLng([lat, lon]);
  }
  if (accuracy) {
    if (!circle) circle = L.circle([lat, lon], { radius: accuracy, className: "accuracy", interactive: false }).addTo(map);
    else circle.setLatLng([lat, lon]).setRadius(accuracy);
    $("gps-status").textContent = t("gps_accuracy", { m: Math.round(accuracy) });
  } else {
    if (circle) { map.removeLayer(circle); circle = null; }
    $("gps-status").textContent = "";
  }
  describePin();
  if (source !== "gps-update") checkNearby();
}

function startGps() {
  if (!("geolocation" in navigator)) { $("gps-status").textContent = t("gps_unavailable"); return; }
  stopGps();
  $("gps-status").textContent = t("gps_waiting");
  var first = true;
  state.watchId = navigator.geolocation.watchPosition(function (pos) {
    var c = pos.coords;
    /* Keep improving while the phone refines its fix, unless the resident moved the pin. */
    if (state.pinSource === "map" || state.pinSource === "drag" || state.pinSource === "centre" || state.pinSource === "keyboard") return;
    if (!first && state.accuracy && c.accuracy > state.accuracy) return;
    setPin(c.latitude, c.longitude, first ? "gps" : "gps-update", c.accuracy);
    if (first) map.setView([c.latitude, c.longitude], Math.max(map.getZoom(), 17));
    first = false;
  }, function (err) {
    $("gps-status").textContent = err.code === 1 ? t("gps_denied") : t("gps_unavailable");
  }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
}

function stopGps() {
  if (state.watchId !== null) navigator.geolocation.clearWatch(state.watchId);
  state.watchId = null;
}

/* ---- "is it one of these?" ----------------------------------------------- */

var nearbyTimer = null;
function checkNearby() {
  clearTimeout(nearbyTimer);
  nearbyTimer = setTimeout(function () {
    if (!state.pin || !state.category || !navigator.onLine) { $("nearby").hidden = true; return; }
    var url = "/api/v1/observations/nearby?lon=" + state.pin.lon.toFixed(7) + "&lat=" + state.pin.lat.toFixed(7) +
      "&category=" + encodeURIComponent(state.category) + "&radius_m=" + nearbyRadius();
    getJSON(url).then(renderNearby).catch(function () { $("nearby").hidden = true; });
  }, 300);
}

/* The radius asked for: 50 m beyond the GPS fix's accuracy (a lamp 70 m away under a
 * 50 m fix is still offered), at most the server's nearby_max_radius_m. */
var NEARBY_BASE_M = 50;
function nearbyRadius() {
  var max = limit("nearby_max_radius_m") || 500;
  var acc = state.accuracy && isFinite(state.accuracy) ? state.accuracy : 0;
  return Math.round(Math.max(1, Math.min(max, NEARBY_BASE_M + acc)));
}

/* The reports this phone has said "me too" to, so the button stays done after a reload. */
var SUPPORTED_KEY = "trygg.supported";
function supported() {
  try { return JSON.parse(localStorage.getItem(SUPPORTED_KEY) || "[]"); } catch (e) { return []; }
}
function rememberSupport(id) {
  var list = supported().filter(function (x) { return x !== id; });
  list.push(id);
  try { localStorage.setItem(SUPPORTED_KEY, JSON.stringify(list.slice(-500))); } catch (e) { /* private mode */ }
}

/* After "me too": the resident need not file the same thing again. */
function offerStop(after) {
  var old = $("me-too-offer");
  if (old) old.remove();
  var stop = el("button", { type: "button", className: "primary", text: t("me_too_stop") });
  var go = el("button", { type: "button", className: "secondary", text: t("me_too_continue") });
  var box = el("div", { id: "me-too-offer", className: "me-too-offer", role: "group", "aria-labelledby": "me-too-offer-title" }, [
    el("p", { id: "me-too-offer-title", className: "big", text: t("me_too_stop_title") }), stop, go]);
  stop.addEventListener("click", resetForm);
  go.addEventListener("click", function () { box.remove(); $("description").focus(); });
  after.after(box);
  stop.focus();
}

function renderNearby(body) {
  var list = $("nearby-list");
  list.textContent = "";
  var items = (body && body.observations) || [];
  $("nearby").hidden = items.length === 0;
  items.forEach(function (o) {
    var text = categoryName(o.category) + " · " + t("metres_away", { m: Math.round(o.distance_m) }) +
      " · " + t("status_" + o.status) + (o.description ? " — " + o.description : "");
    var btn = el("button", { type: "button", className: "secondary", text: t("me_too") });
    var msg = el("p", { className: "status", role: "status" });
    if (supported().indexOf(o.id) >= 0) {
      btn.disabled = true;
      btn.setAttribute("aria-pressed", "true");
      msg.textContent = t("me_too_already");
    }
    btn.addEventListener("click", function () {
      btn.disabled = true;
      api("POST", "/api/v1/observations/" + o.id + "/support", { client_id: supporterId() }).then(function (b) {
        rememberSupport(o.id);
        btn.setAttribute("aria-pressed", "true");
        msg.textContent = t("me_too_done", { n: b.support_count });
        offerStop(msg);
      }).catch(function (e) { btn.disabled = false; msg.textContent = t("error_generic", { msg: e.message }); });
    });
    var link = el("a", { href: "/r/" + o.id, text: t("view_report_n", { id: o.id }) });
    var img = null;
    if (o.photos && o.photos.length) img = el("img", { src: o.photos[0].thumb_url, alt: t("photo_alt"), width: "64", height: "64" });
    list.appendChild(el("li", { className: "nearby-item" }, [img, el("p", { text: text }), link, btn, msg]));
  });
}

/* One stable id per phone for "me too", so a phone counts once. */
function supporterId() {
  var id = null;
  try { id = localStorage.getItem("trygg.supporter"); } catch (e) { /* ignore */ }
  if (!id) { id = queue.uuid(); try { localStorage.setItem("trygg.supporter", id); } catch (e) { /* ignore */ } }
  return id;
}

/* ---- photos: downscaled in the browser ---------------------------------- */

function downscale(file) {
  var load = window.createImageBitmap
    ? createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () { return createImageBitmap(file); })
    : Promise.reject(new Error("no createImageBitmap"));
  return load.then(function (bmp) {
    var scale = Math.min(1, limit("photo_max_side") / Math.max(bmp.width, bmp.height));
    var w = Math.max(1, Math.round(bmp.width * scale)), h = Math.max(1, Math.round(bmp.height * scale));
    var canvas = document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    canvas.getContext("2d").drawImage(bmp, 0, 0, w, h);
    return new Promise(function (resolve) { canvas.toBlob(function (b) { resolve(b || file); }, "image/jpeg", 0.85); });
  }).catch(function () { return file; });
}

/* ---- sending -------------------------------------------------------------- */

function submit(ev) {
  ev.preventDefault();
  if (!state.pin) {
    $("form-error").textContent = t("choose_place_first");
    return;
  }
  var rating = document.querySelector("input[name=rating]:checked");
  var payload = {
    category: state.category,
    lon: Math.round(state.pin.lon * 1e7) / 1e7,
    lat: Math.round(state.pin.lat * 1e7) / 1e7,
    observed_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z")
  };
  if (state.accuracy && (state.pinSource === "gps" || state.pinSource === "gps-update")) payload.accuracy_m = Math.round(state.accuracy * 10) / 10;
  var d = $("description").value.trim();
  if (d) payload.description = d;
  if (rating) payload.unsafe_rating = Number(rating.value);
  Object.assign(payload, fieldwalk.reportFields());
  var rep = { name: $("name").value.trim(), email: $("email").value.trim(), phone: $("phone").value.trim() };
  if (rep.name || rep.email || rep.phone) {
    payload.reporter = {};
    Object.keys(rep).forEach(function (k) { if (rep[k]) payload.reporter[k] = rep[k]; });
    /* The follow-up mails are written in the language the report is filed in. */
    payload.lang = lang();
    if (rep.email && $("follow-up").checked) payload.follow_up = true;
  }
  $("submit").disabled = true;
  showProgress(t("net_sending"), 0, 1);
  var file = $("photo").files && $("photo").files[0];
  (file ? downscale(file) : Promise.resolve(null)).then(function (blob) {
    return queue.add(payload, blob ? [blob] : []);
  }).then(function (rec) {
    return queue.flush().then(function () { return queue.all(); }).then(function (list) {
      var mine = list.find(function (r) { return r.client_id === rec.client_id; }) || rec;
      showDone(mine);
    });
  }).catch(function (e) {
    $("form-error").textContent = t("error_generic", { msg: e.message || e });
  }).then(function () { $("submit").disabled = false; hideProgress(); });
}

/* A slow send shows how far it got (a report, then each photo). */
var progressTimer = null;
function showProgress(text, step, total) {
  var box = $("send-progress");
  $("send-progress-text").textContent = text;
  $("send-progress-bar").max = total;
  $("send-progress-bar").value = step;
  /* Only when it is slow: a quick send goes straight to the answer. */
  if (box.hidden && !progressTimer) progressTimer = setTimeout(function () { progressTimer = null; box.hidden = false; }, 400);
}
function hideProgress() {
  clearTimeout(progressTimer);
  progressTimer = null;
  $("send-progress").hidden = true;
}
queue.onProgress(function (rec, step, total) {
  if (rec.client_id !== doneFor && !$("submit").disabled) return;
  showProgress(step === 0 ? t("net_sending") : t("net_sending_photo", { n: step, total: total - 1 }), step, total);
});

/* The report the thank-you screen is about; the screen follows it as the queue sends it. */
var doneFor = null;

function showDone(rec) {
  stopGps();
  doneFor = rec.client_id;
  $("report").hidden = true;
  $("done").hidden = false;
  describeDone(rec);
  $("done").focus();
  renderMine();
}

/* The three honest answers: sent; saved on the phone; the answer was lost, trying again. */
function describeDone(rec) {
  var link = $("done-link");
  link.hidden = true;
  if (rec.server_id && rec.state === "sent") {
    $("h-done").textContent = t("sent_title");
    $("done-text").textContent = t("sent_number", { id: rec.server_id });
    $("done-net").textContent = t("net_sent");
    link.href = "/r/" + rec.server_id;
    link.textContent = t("view_report");
    link.hidden = false;
  } else if (rec.state === "failed") {
    $("h-done").textContent = t("failed");
    $("done-text").textContent = rec.error || "";
    $("done-net").textContent = "";
  } else if (rec.net === "lost") {
    $("h-done").textContent = t("lost_title");
    $("done-text").textContent = t("lost_text");
    $("done-net").textContent = t("net_lost");
  } else {
    $("h-done").textContent = t("queued_title");
    $("done-text").textContent = rec.server_id ? t("sent_number", { id: rec.server_id }) : t("queued_text");
    $("done-net").textContent = t("net_saved");
  }
}

/* A lost answer is asked again soon (same client_id: never twice), not only every 20 s. */
var retryTimer = null;
function retryLost(list) {
  if (retryTimer || !list.some(function (r) { return r.state === "waiting" && r.net === "lost"; })) return;
  retryTimer = setTimeout(function () { retryTimer = null; queue.flush(); }, 2500);
}

function followDone() {
  return queue.all().then(function (list) {
    retryLost(list);
    if ($("done").hidden || !doneFor) return;
    var rec = list.find(function (r) { return r.client_id === doneFor; });
    if (rec && rec.kind !== "audit") describeDone(rec);
  });
}

/* The follow-up by e-mail is offered only once there is an address to write to. */
function updateFollowUp() {
  var has = $("email").value.trim() !== "";
  $("follow-up-box").hidden = !has;
  if (!has) $("follow-up").checked = false;
}

function resetForm() {
  $("report").reset();
  updateFollowUp();
  state.category = null; state.pin = null; state.pinSource = null; state.accuracy = null;
  if (marker) { map.removeLayer(marker); marker = null; }
  if (circle) { map.removeLayer(circle); circle = null; }
  describeSeq++;
  placeAnswer = null;
  $("pin-place").textContent = "";
  $("pin-coords").hidden = true;
  $("nearby").hidden = true;
  $("done").hidden = true;
  $("report").hidden = true;
  $("step-category").hidden = false;
  $("h-category").setAttribute("tabindex", "-1");
  $("h-category").focus();
}

/* ---- my reports ------------------------------------------------------------- */

function renderMine() {
  return queue.all().then(function (list) {
    var ul = $("mine-list");
    ul.textContent = "";
    $("mine-empty").hidden = list.length > 0;
    list.forEach(function (r) {
      var label;
      if (r.kind === "audit") label = r.state === "sent" ? t("audit_sent") : r.state === "failed" ? t("failed") + (r.error ? ": " + r.error : "") : t("waiting");
      else if (r.state === "sent" || r.server_id) label = t("number", { id: r.server_id }) + " · " + t("status_" + (r.status || "new"));
      else if (r.state === "failed") label = t("failed") + (r.error ? ": " + r.error : "");
      else label = r.net === "lost" ? t("retrying") : t("waiting");
      var when = new Date(r.created);
      var name = r.kind === "audit" ? t("audit_title") : categoryName(r.payload.category);
      var cat = r.kind !== "audit" && r.server_id && r.server_id !== true
        ? el("a", { className: "mine-cat", href: "/r/" + r.server_id, text: name })
        : el("span", { className: "mine-cat", text: name });
      ul.appendChild(el("li", { className: "mine-item " + (r.server_id ? "sent" : r.state) }, [
        cat,
        el("span", { className: "mine-when", text: when.toLocaleString(locale(), { dateStyle: "short", timeStyle: "short" }) }),
        el("span", { className: "mine-state", text: label })
      ]));
    });
  });
}

/* Asks the server how each sent report is doing. */
function refreshStatuses() {
  if (!navigator.onLine) return Promise.resolve();
  return queue.all().then(function (list) {
    return Promise.all(list.filter(function (r) { return r.server_id && r.kind !== "audit"; }).slice(0, 30).map(function (r) {
      return getJSON("/api/v1/observations/" + r.server_id).then(function (o) {
        if (o.status !== r.status) { r.status = o.status; return queue.put(r); }
      }).catch(function () { /* keep the old status */ });
    }));
  }).then(renderMine);
}

/* ---- start -------------------------------------------------------------------- */

function updateOnline() { $("offline").hidden = navigator.onLine; }

/* The walk of a /w/{code} link: shown, joined, or an unknown code said plainly. */
function loadWalk() {
  return fieldwalk.loadWalk().then(function (result) {
    state.walk = fieldwalk.current();
    if (result === "unknown") fieldwalk.showUnknown();
    else if (result === "ok" || result === "offline") { fieldwalk.render(); fieldwalk.join(); }
  });
}

/* The description's length limit, in the textarea and in its hint (from the server's config once loaded). */
function showLimits() {
  var n = limit("max_description_chars");
  $("description").maxLength = n;
  $("description-hint").textContent = t("description_hint", { n: n });
}

/* Draws again, in the current language, what the app built itself. */
function relabel() {
  showLimits();
  renderCategories();
  if (state.category) $("chosen-category").textContent = categoryName(state.category);
  labelPin();
  if (state.pin && placeAnswer) { $("pin-place").textContent = pinplace.placeText(placeAnswer); showCoords(placeAnswer); }
  var legend = $("area-legend");
  if (legend && !legend.hidden) legend.querySelector("summary").textContent = t("area_legend", { n: legend.querySelectorAll("li").length });
  renderMine();
  fieldwalk.relabel();
}

/* After an audit is stored: the same confirmation as a report's. */
function auditDone(rec) {
  $("step-category").hidden = true;
  $("done").hidden = false;
  if (rec.state === "sent") {
    $("h-done").textContent = t("sent_title");
    $("done-text").textContent = t("audit_sent_text");
  } else if (rec.state === "failed") {
    $("h-done").textContent = t("failed");
    $("done-text").textContent = rec.error || "";
  } else {
    $("h-done").textContent = t("queued_title");
    $("done-text").textContent = t("audit_queued_text");
  }
  $("done").focus();
  renderMine();
}

function backToCategories() {
  $("done").hidden = true;
  $("step-category").hidden = false;
  $("h-category").setAttribute("tabindex", "-1");
  $("h-category").focus();
}

function start() {
  fieldwalk.reopenLastWalk();
  apply();
  showLimits();
  updateOnline();
  window.addEventListener("online", function () { updateOnline(); queue.flush().then(refreshStatuses); });
  window.addEventListener("offline", updateOnline);
  queue.onChange(renderMine);
  queue.onChange(followDone);
  languageButton($("lang"), relabel);
  $("report").addEventListener("submit", submit);
  $("email").addEventListener("input", updateFollowUp);
  $("change-category").addEventListener("click", function () {
    stopGps();
    $("report").hidden = true;
    $("step-category").hidden = false;
  });
  $("use-gps").addEventListener("click", function () { state.pinSource = null; state.accuracy = null; startGps(); });
  $("pin-centre").addEventListener("click", function () {
    var c = map.getCenter();
    stopGps();
    setPin(c.lat, c.lng, "centre", null);
  });
  $("another").addEventListener("click", function () { doneFor = null; resetForm(); });
  fieldwalk.init(auditDone, backToCategories);
  var configured = loadConfig().then(function (c) { state.config = c; }).catch(function () { state.config = null; })
    .then(function () { fieldwalk.setTiles(state.config && state.config.tiles); });
  Promise.all([loadCategories(), configured, configured.then(loadWalk)]).catch(function () { /* offline without a cached copy: nothing to show yet */ })
    .then(function () { relabel(); return queue.flush(); })
    .then(refreshStatuses);
  setInterval(function () { if (navigator.onLine) queue.flush(); }, 20000);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () { /* not fatal */ });
}

start();
