/*
 * trygg — the field app on a safety walk (/w/{code}): loads the walk's public
 * view (kept on the phone, so a reload without network still shows it), draws
 * its route, meeting point, stops and the earlier walk's checklist, lets the
 * resident pick a group and leave an e-mail address, counts the phone once as
 * a participant, and files perception audits (trygghetsinventering) through
 * the phone's outbox (queue.js), exactly like reports.
 */
import { $, el, api, getJSON, categoryName } from "./common.js";
import { t, locale } from "./i18n.js";
import * as queue from "./queue.js";
import { drawWalk, fit, AUDIT_PARAMETERS } from "./walkmap.js";
import * as tilecache from "./tilecache.js";
import { describe, placeText } from "./pinplace.js";

var KEY = "trygg.";
var walk = null;          // the walk's public view, or null
var code = null;          // the join code from the URL, upper case
var walkMap = null, walkLayer = null, auditMap = null, auditPin = null, auditPos = null, auditWatch = null;
var onAuditDone = null;
var tiles = null;        // the configuration's tile layer {url, attribution}, or null

/* Uses the configuration's tile layer (or none) on the maps drawn from now on. */
export function setTiles(t) { tiles = t || null; }

function load(key) {
  try { var v = localStorage.getItem(KEY + key); return v ? JSON.parse(v) : null; } catch (e) { return null; }
}
function save(key, value) {
  try {
    if (value === null) localStorage.removeItem(KEY + key);
    else localStorage.setItem(KEY + key, JSON.stringify(value));
  } catch (e) { /* private mode or full: this page only */ }
}

/* The join code in this page's address (/w/{code}), upper case, or null. */
export function codeFromPath() {
  var m = location.pathname.match(/^\/w\/([A-Za-z0-9_-]{1,32})\/?$/);
  return m ? decodeURIComponent(m[1]).toUpperCase() : null;
}

/*
 * The installed app starts at /?source=app (manifest start_url): it reopens
 * the walk it last joined, while that walk is not over for more than a day.
 */
export function reopenLastWalk() {
  if (location.pathname !== "/" || new URLSearchParams(location.search).get("source") !== "app") return;
  var last = load("lastWalk");
  if (!last) return;
  var w = load("walk." + last);
  var end = w && (w.ends_at || w.starts_at);
  if (w && (w.state === "cancelled" || (end && Date.now() - new Date(end).getTime() > 864e5))) return;
  history.replaceState(null, "", "/w/" + encodeURIComponent(last));
}

/* The walk this page belongs to (its public view), or null. */
export function current() { return walk; }

/* The group the resident chose on this phone (its id), or null. */
export function groupId() {
  if (!walk || !walk.groups || !walk.groups.length) return null;
  var g = load("group." + walk.code);
  return typeof g === "number" && walk.groups.some(function (x) { return x.id === g; }) ? g : null;
}

/* The fields every report filed from the walk link carries: {walk, walk_group?}. */
export function reportFields() {
  if (!walk && !code) return {};
  var f = { walk: walk ? walk.code : code };
  var g = groupId();
  if (g !== null) f.walk_group = g;
  return f;
}

/*
 * Loads the walk of the page's code. Resolves to "none" (no code in the
 * address), "ok" (the walk, from the network or, offline, from the phone),
 * "unknown" (the server knows no such code) or "offline" (no network and no
 * copy on the phone: reports still carry the code).
 */
export function loadWalk() {
  code = codeFromPath();
  if (!code) return Promise.resolve("none");
  return getJSON("/api/v1/walks/" + encodeURIComponent(code)).then(function (w) {
    walk = w;
    code = w.code.toUpperCase();
    save("walk." + code, w);
    save("lastWalk", code);
    return "ok";
  }).catch(function (e) {
    if (e.status === 404) { save("walk." + code, null); return "unknown"; }
    var copy = load("walk." + code);
    if (copy) { walk = copy; return "ok"; }
    return "offline";
  });
}

/* ---- what the resident sees ---------------------------------------------------- */

function fmtWhen(w) {
  if (!w.starts_at) return "";
  var s = new Date(w.starts_at), e = w.ends_at ? new Date(w.ends_at) : null;
  var day = s.toLocaleDateString(locale(), { weekday: "long", day: "numeric", month: "long" });
  var from = s.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
  var to = e ? "–" + e.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" }) : "";
  return day + " " + from + to;
}

function labels() {
  return {
    meeting: function (w) { return t("walk_meeting_point") + (w.meeting_text ? ": " + w.meeting_text : ""); },
    stop: function (s, i) { return t("walk_stop_n", { n: i + 1 }) + (s.note ? ": " + s.note : ""); },
    checklist: function (c) { return t("walk_check_n", { n: c.number }) + ": " + categoryName(c.category); },
    group: function (g) { return g.name; }
  };
}

/* Shows that the code is unknown, instead of the report form: nothing is filed without a walk by mistake. */
export function showUnknown() {
  $("unknown-walk").hidden = false;
  $("h-unknown-walk").textContent = t("unknown_walk_title", { code: code });
  $("step-category").hidden = true;
  $("report").hidden = true;
}

/* Shows the walk box (title, time, map, stops, checklist, group, e-mail). */
export function render() {
  if (!walk && code) {
    // Offline on the first visit: the code is all there is.
    $("walk").hidden = false;
    $("walk-title").textContent = code;
    $("walk-map").hidden = true;
    document.querySelector(".walk-legend").hidden = true;
    return;
  }
  if (!walk) return;
  $("walk").hidden = false;
  $("walk-title").textContent = walk.title;
  $("walk-when").textContent = fmtWhen(walk);
  var st = $("walk-state");
  st.hidden = walk.state === "planned" || walk.state === "ongoing" || !walk.state;
  st.textContent = walk.state ? t("walk_state_" + walk.state) : "";
  $("walk-meeting").textContent = walk.meeting_text ? t("walk_meeting_point") + ": " + walk.meeting_text : "";
  var stops = walk.stops || [];
  $("walk-stops-box").hidden = stops.length === 0;
  $("walk-stops-summary").textContent = t("walk_stops", { n: stops.length });
  var ol = $("walk-stops");
  ol.textContent = "";
  stops.forEach(function (s) { ol.appendChild(el("li", { text: s.note || t("walk_stop_no_note") })); });
  var check = walk.checklist || [];
  $("walk-checklist-box").hidden = check.length === 0;
  $("walk-checklist-summary").textContent = t("walk_checklist", { n: check.length });
  var cl = $("walk-checklist");
  cl.textContent = "";
  check.forEach(function (c) {
    cl.appendChild(el("li", { value: String(c.number) }, [el("strong", { text: categoryName(c.category) }),
      (c.description ? " — " + c.description : "") + (c.state ? " (" + t("status_" + c.state) + ")" : "")]));
  });
  renderGroups();
  ensureWalkMap();
}

function renderGroups() {
  var groups = (walk && walk.groups) || [];
  $("walk-group-box").hidden = groups.length === 0;
  if (!groups.length) return;
  var sel = $("walk-group");
  var chosen = groupId();
  sel.textContent = "";
  sel.appendChild(el("option", { value: "", text: t("walk_group_choose") }));
  groups.forEach(function (g) {
    var o = el("option", { value: String(g.id), text: g.name });
    if (g.id === chosen) o.selected = true;
    sel.appendChild(o);
  });
}

/* True when walk w has anything to draw. */
function hasGeometry(w) {
  return !!(w.area_outline || (w.route && w.route.coordinates && w.route.coordinates.length) || w.meeting_point ||
    (w.stops && w.stops.length) || (w.checklist && w.checklist.length));
}

function ensureWalkMap() {
  if (!walk || typeof L === "undefined") return;
  var show = hasGeometry(walk);
  $("walk-map").hidden = !show;
  document.querySelector(".walk-legend").hidden = !show;
  if (!show) return;
  var first = !walkMap;
  if (first) {
    walkMap = L.map("walk-map", { zoomControl: true, attributionControl: true, keyboard: true });
    if (tiles && tiles.url) L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(walkMap);
  }
  if (walkLayer) walkMap.removeLayer(walkLayer);
  var d = drawWalk(walkMap, walk, { labels: labels() });
  walkLayer = d.layer;
  if (first) {
    fit(walkMap, d.bounds);
    /* The basemap around the walk, kept on the phone for the walk itself. */
    tilecache.precache(tiles, d.bounds).catch(function () { /* not fatal */ });
  }
  setTimeout(function () { walkMap.invalidateSize(); }, 0);
}

/* Draws the walk (route, meeting point, stops, checklist) on another map, the report form's. */
export function drawOn(map) {
  if (!walk) return null;
  var d = drawWalk(map, walk, { labels: labels() });
  return d.bounds;
}

/* ---- joining: the phone counts once; group and e-mail go with it --------------------- */

function participantId() {
  var id = load("participant");
  if (!id) { id = queue.uuid(); save("participant", id); }
  return id;
}

/*
 * Sends the phone's join (again when the group or the e-mail changed). What
 * cannot be sent now waits on the phone (trygg.join.{code}) until the network
 * is back; the e-mail address is removed from the phone once the server has it.
 */
export function join() {
  if (!walk) return Promise.resolve();
  var key = "join." + walk.code;
  var j = load(key) || { sent: false };
  if (j.sent && !j.dirty) return Promise.resolve();
  var body = { participant_id: participantId() };
  var g = groupId();
  if (g !== null) body.group_id = g;
  if (j.email) body.email = j.email;
  return api("POST", "/api/v1/walks/" + encodeURIComponent(walk.code) + "/join", body).then(function () {
    var hadEmail = !!j.email;
    j = { sent: true, dirty: false, email_saved: j.email_saved || hadEmail };
    save(key, j);
    if (hadEmail) $("walk-email-status").textContent = t("walk_email_saved");
  }).catch(function (e) {
    if (e.status === 422 && e.code && body.email) {
      delete j.email; j.dirty = false; save(key, j);
      $("walk-email-status").textContent = t("walk_email_invalid");
    } else if (e.status && e.status < 500 && e.status !== 408 && e.status !== 429) {
      j.dirty = false; save(key, j); // refused for good: do not retry forever
    }
    /* offline or busy: stays dirty, sent later */
  });
}

function changeJoin(fn) {
  var key = "join." + walk.code;
  var j = load(key) || { sent: false };
  fn(j);
  j.dirty = true;
  save(key, j);
  return join();
}

/* ---- the perception audit --------------------------------------------------------- */

function renderAuditParams() {
  var box = $("audit-params");
  var chosen = {};
  box.querySelectorAll("input:checked").forEach(function (i) { chosen[i.name] = i.value; });
  box.textContent = "";
  AUDIT_PARAMETERS.forEach(function (p) {
    var name = "audit-" + p;
    var options = [0, 1, 2, 3].map(function (v) {
      var input = el("input", { type: "radio", name: name, value: String(v) });
      if (chosen[name] === String(v)) input.checked = true;
      return el("label", {}, [input, el("span", { className: "audit-value", text: String(v) }),
        el("span", { className: "audit-word", text: t("audit_value_" + v) })]);
    });
    var hintId = "hint-" + name;
    box.appendChild(el("fieldset", { className: "audit-param", "aria-describedby": hintId }, [
      el("legend", { text: t("audit_" + p) }),
      el("p", { className: "hint", id: hintId, text: t("audit_" + p + "_q") }),
      el("div", { className: "audit-options" }, options)]));
  });
}

function setAuditPos(lat, lon, accuracy, source) {
  auditPos = { lat: lat, lon: lon, accuracy: accuracy, source: source };
  if (auditMap) {
    if (!auditPin) auditPin = L.circleMarker([lat, lon], { radius: 10, color: "#111", weight: 3, fillColor: "#1b6e3a", fillOpacity: 0.9 }).addTo(auditMap);
    else auditPin.setLatLng([lat, lon]);
  }
  if (accuracy) { $("audit-gps").textContent = t("gps_accuracy_audit", { m: Math.round(accuracy) }); return; }
  /* Chosen on the map: said in words (area, nearest named place), not in decimals. */
  var asked = auditPos;
  $("audit-gps").textContent = t("audit_place_chosen");
  describe(lon, lat).then(function (d) {
    if (auditPos === asked) $("audit-gps").textContent = placeText(d);
  }).catch(function () { /* offline: "place chosen" stays */ });
}

function startAuditGps() {
  if (!("geolocation" in navigator)) { $("audit-gps").textContent = t("gps_unavailable"); return; }
  stopAuditGps();
  $("audit-gps").textContent = t("gps_waiting");
  var first = true;
  auditWatch = navigator.geolocation.watchPosition(function (pos) {
    var c = pos.coords;
    if (auditPos && auditPos.source === "map") return;
    if (!first && auditPos && auditPos.accuracy && c.accuracy > auditPos.accuracy) return;
    setAuditPos(c.latitude, c.longitude, c.accuracy, "gps");
    if (first && auditMap) auditMap.setView([c.latitude, c.longitude], 17);
    first = false;
  }, function (err) {
    $("audit-gps").textContent = err.code === 1 ? t("gps_denied") : t("gps_unavailable");
  }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
}

function stopAuditGps() {
  if (auditWatch !== null) navigator.geolocation.clearWatch(auditWatch);
  auditWatch = null;
}

function openAudit() {
  $("step-category").hidden = true;
  $("report").hidden = true;
  $("done").hidden = true;
  $("audit").hidden = false;
  $("audit-error").textContent = "";
  renderAuditParams();
  if (!auditMap && typeof L !== "undefined") {
    auditMap = L.map("audit-map", { zoomControl: true, keyboard: true });
    if (tiles && tiles.url) L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(auditMap);
    var b = walk ? drawWalk(auditMap, walk, { labels: labels() }).bounds : null;
    fit(auditMap, b);
    auditMap.on("click", function (e) { stopAuditGps(); setAuditPos(e.latlng.lat, e.latlng.lng, null, "map"); });
  }
  setTimeout(function () { if (auditMap) auditMap.invalidateSize(); }, 0);
  auditPos = null;
  if (auditPin && auditMap) { auditMap.removeLayer(auditPin); auditPin = null; }
  startAuditGps();
  $("h-audit").setAttribute("tabindex", "-1");
  $("h-audit").focus();
}

function closeAudit() {
  stopAuditGps();
  $("audit").hidden = true;
  $("audit").reset();
}

function submitAudit(ev) {
  ev.preventDefault();
  var ratings = {}, missing = [];
  AUDIT_PARAMETERS.forEach(function (p) {
    var c = document.querySelector("input[name=audit-" + p + "]:checked");
    if (c) ratings[p] = Number(c.value); else missing.push(t("audit_" + p));
  });
  if (missing.length) { $("audit-error").textContent = t("audit_missing", { list: missing.join(", ") }); return; }
  if (!auditPos) { $("audit-error").textContent = t("choose_place_first"); return; }
  var payload = {
    lon: Math.round(auditPos.lon * 1e7) / 1e7,
    lat: Math.round(auditPos.lat * 1e7) / 1e7,
    observed_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    ratings: ratings
  };
  var g = groupId();
  if (g !== null) payload.group_id = g;
  $("audit-submit").disabled = true;
  queue.addAudit(walk ? walk.code : code, payload).then(function (rec) {
    closeAudit();
    return queue.flush().then(function () { return queue.all(); }).then(function (list) {
      var now = list.find(function (r) { return r.client_id === rec.client_id; }) || rec;
      if (onAuditDone) onAuditDone(now);
    });
  }).catch(function (e) {
    $("audit-error").textContent = t("error_generic", { msg: e && e.message ? e.message : String(e) });
  }).then(function () { $("audit-submit").disabled = false; });
}

/* Redraws what this module built, in the current language. */
export function relabel() {
  if (walk) render();
  if (!$("audit").hidden) renderAuditParams();
  if (!$("unknown-walk").hidden) $("h-unknown-walk").textContent = t("unknown_walk_title", { code: code });
}

/*
 * Wires the walk box and the audit form. done(record) is called after an
 * audit is stored (and sent, when the network allows); back() shows the
 * categories again.
 */
export function init(done, back) {
  onAuditDone = done;
  $("walk-group").addEventListener("change", function () {
    var v = $("walk-group").value;
    save("group." + walk.code, v ? Number(v) : null);
    changeJoin(function () { /* the group is read by join() */ });
  });
  $("walk-email-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var v = $("walk-email").value.trim();
    var input = $("walk-email");
    if (!v || !input.checkValidity()) { $("walk-email-status").textContent = t("walk_email_invalid"); return; }
    $("walk-email-status").textContent = navigator.onLine ? t("sending") : t("walk_email_later");
    changeJoin(function (j) { j.email = v; }).then(function () { input.value = ""; });
  });
  $("open-audit").addEventListener("click", openAudit);
  $("audit").addEventListener("submit", submitAudit);
  $("audit-cancel").addEventListener("click", function () { closeAudit(); back(); });
  $("audit-use-gps").addEventListener("click", function () { auditPos = null; startAuditGps(); });
  window.addEventListener("online", function () { join(); });
}
