/*
 * trygg staff app — safety walks (trygghetsvandringar): the list, the plan
 * form (route drawn on the map or uploaded as GeoJSON/GPX, meeting point,
 * groups, stops, partners, follow-up), the walk page (join code, QR, poster
 * and protocol documents, live findings, state changes, the protocol items
 * with action, responsible, priority and deadline, the answers, the
 * follow-up meeting, paper notes, publishing; printable as the protocol), and
 * the units' page where they answer their items. Talks to the server only
 * through the JSON API (doc/contract.md, "Walks"); staff.js hands it its
 * page helpers through init().
 */
import { el, api, categories, categoryName } from "./common.js";
import { t, locale } from "./i18n.js";
import { drawWalk, fit, lineLatLngs, observationMarker, auditMarker, AUDIT_PARAMETERS, auditSummary, WALK_COLOURS } from "./walkmap.js";

var WALK_STATES = ["planned", "ongoing", "done", "cancelled"];
var ANSWERS = ["will_do", "done", "wont_do", "not_ours"];
/* How often the walk page asks for what arrived (ms): the issue asks for "within seconds". */
var LIVE_INTERVAL_MS = 4000;

var h = null;           // staff.js's helpers and context
var live = null;        // the walk page's live polling, while it is shown

/*
 * Hands the module staff.js's helpers: {ctx, main, field, select, announce,
 * errorBox, showError, dl, fmt, stateBadge, table}.
 */
export function init(helpers) { h = helpers; }

/* Stops what the walk page runs in the background (called before any page is drawn). */
export function leave() {
  if (live) { live.stop(); live = null; }
}

/* Draws the page for hash when it is a walks page; false when it is not one of ours. */
export function route(hash) {
  var m;
  if (hash === "#/walks" || hash.indexOf("#/walks?") === 0) { showList(); return true; }
  if (hash === "#/walks/new" || hash.indexOf("#/walks/new?") === 0) { showPlan(null); return true; }
  if ((m = hash.match(/^#\/walks\/(\d+)\/edit$/))) { showPlan(Number(m[1])); return true; }
  if ((m = hash.match(/^#\/walks\/(\d+)$/))) { showWalk(Number(m[1])); return true; }
  if ((m = hash.match(/^#\/walk-items(?:\/(\d+))?$/))) { showUnitItems(m[1] ? Number(m[1]) : null); return true; }
  return false;
}

/* ---- small helpers ------------------------------------------------------------ */

function role() { return h.ctx.me ? h.ctx.me.role : ""; }
function canPlan() { return ["organiser", "admin", "triage"].indexOf(role()) >= 0; }
function canAnswerAll() { return role() === "admin" || role() === "triage"; }

function page(titleText) {
  h.main.textContent = "";
  document.title = titleText + " – Trygg";
  var err = h.errorBox();
  return err;
}

function walkState(s) { return el("span", { className: "state walk-state-" + s, text: t("ws_" + s) }); }

function fmtRange(a, b) {
  if (!a) return t("none");
  var s = new Date(a);
  var out = s.toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
  if (b) {
    var e = new Date(b);
    out += "–" + (e.toDateString() === s.toDateString() ? e.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" })
      : e.toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" }));
  }
  return out;
}

function fmtDay(d) {
  if (!d) return t("none");
  var x = new Date(d.length === 10 ? d + "T12:00:00" : d);
  return x.toLocaleDateString(locale(), { year: "numeric", month: "short", day: "numeric" });
}

/* An ISO time as the value of a datetime-local input (local time), or "". */
function toLocalInput(iso) {
  if (!iso) return "";
  var d = new Date(iso);
  var p = function (n) { return String(n).padStart(2, "0"); };
  return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T" + p(d.getHours()) + ":" + p(d.getMinutes());
}
/* A datetime-local value as RFC 3339 UTC, or null. */
function fromLocalInput(v) {
  if (!v) return null;
  var d = new Date(v);
  return isNaN(d) ? null : d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function uuid() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  var b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  var x = Array.prototype.map.call(b, function (v) { return (v + 256).toString(16).slice(1); }).join("");
  return x.slice(0, 8) + "-" + x.slice(8, 12) + "-" + x.slice(12, 16) + "-" + x.slice(16, 20) + "-" + x.slice(20);
}

/* The list in an answer of GET /api/v1/walks: {walks:[…]} (or a bare array). */
function walkList(b) { return Array.isArray(b) ? b : (b && (b.walks || b.items)) || []; }
/* The items in an answer of GET …/items: {items:[…]} (or a bare array). */
function itemList(b) { return Array.isArray(b) ? b : (b && b.items) || []; }

function areaFeature(code) {
  var fs = h.ctx.areas ? h.ctx.areas.features : [];
  return fs.find(function (f) { return f.properties.code === code; }) || null;
}

function areaOptions(withAll) {
  return (withAll ? [["", t("all")]] : [["", t("none")]]).concat((h.ctx.areas ? h.ctx.areas.features : [])
    .map(function (f) { return [f.properties.code, f.properties.name]; }));
}

function unitByCode(code) { return h.ctx.units.find(function (u) { return u.code === code; }) || null; }

function mapLabels() {
  return {
    meeting: function (w) { return t("meeting_point") + (w.meeting_text ? ": " + w.meeting_text : ""); },
    stop: function (s, i) { return t("stop_n", { n: i + 1 }) + (s.note ? ": " + s.note : ""); },
    checklist: function (c) { return t("earlier_point", { n: c.number }) + ": " + categoryName(c.category); },
    group: function (g) { return t("group") + ": " + g.name; }
  };
}

/* A link that looks like a button (navigation, not an action). */
function linkButton(href, text, extra) {
  return el("a", Object.assign({ href: href, className: "button-link", text: text }, extra || {}));
}

/* ---- the list -------------------------------------------------------------------- */

function showList() {
  var q = new URLSearchParams(location.hash.split("?")[1] || "");
  var err = page(t("walks_title"));
  h.main.appendChild(el("h1", { text: t("walks_title") }));
  if (canPlan()) h.main.appendChild(el("p", {}, [linkButton("#/walks/new", t("plan_walk"))]));
  var areaSel = h.select("area", areaOptions(true), q.get("area") || "");
  var stateSel = h.select("state", [["", t("all")]].concat(WALK_STATES.map(function (s) { return [s, t("ws_" + s)]; })), q.get("state") || "");
  var from = el("input", { type: "date", name: "from", value: q.get("from") || "" });
  var to = el("input", { type: "date", name: "to", value: q.get("to") || "" });
  h.main.appendChild(el("section", { "aria-label": t("filter") }, [el("form", { className: "filter-bar", onsubmit: function (ev) {
    ev.preventDefault();
    var p = new URLSearchParams();
    [areaSel, stateSel, from, to].forEach(function (c) { if (c.value) p.set(c.name, c.value); });
    location.hash = "#/walks" + (p.toString() ? "?" + p.toString() : "");
  } }, [h.field(t("area"), areaSel), h.field(t("walk_state"), stateSel), h.field(t("from"), from), h.field(t("to"), to),
    el("button", { type: "submit", className: "secondary", text: t("filter") })])]));
  h.main.appendChild(err);
  var box = el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": t("walks_title") });
  h.main.appendChild(box);
  var apiQ = new URLSearchParams();
  if (q.get("area")) apiQ.set("area", q.get("area"));
  if (q.get("state")) apiQ.set("state", q.get("state"));
  // Dates from the filter are whole days in local time: from the start of "from" to the end of "to".
  if (q.get("from")) apiQ.set("from", fromLocalInput(q.get("from") + "T00:00"));
  if (q.get("to")) apiQ.set("to", fromLocalInput(q.get("to") + "T23:59"));
  api("GET", "/api/v1/walks" + (apiQ.toString() ? "?" + apiQ.toString() : "")).then(function (b) {
    var list = walkList(b);
    if (!list.length) { box.appendChild(el("p", { text: t("no_walks") })); return; }
    box.appendChild(h.table([t("when"), t("walk_title"), t("area"), t("walk_state"), t("join_code"), t("counts")], list.map(function (w) {
      var c = w.counts || {};
      return [fmtRange(w.starts_at), el("a", { href: "#/walks/" + w.id, text: w.title }), w.area ? w.area.name : t("none"),
        walkState(w.state), w.code, t("counts_text", { p: c.participants || 0, o: c.observations || 0, a: c.audits || 0 })];
    })));
  }).catch(function (e) { h.showError(err, e); });
}

/* ---- plan / edit -------------------------------------------------------------------- */

/* A GeoJSON or GPX text's first line as [[lon, lat], …], for the preview only (the server decides). */
function previewRoute(text) {
  try {
    var j = JSON.parse(text);
    var g = j.type === "FeatureCollection" ? (j.features[0] || {}).geometry : j.type === "Feature" ? j.geometry : j;
    if (g && g.type === "LineString") return g.coordinates;
    if (g && g.type === "MultiLineString") return g.coordinates[0];
    return null;
  } catch (e) { /* not JSON: GPX? */ }
  try {
    var doc = new DOMParser().parseFromString(text, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) return null;
    var pts = doc.getElementsByTagName("trkpt");
    if (!pts.length) pts = doc.getElementsByTagName("rtept");
    var out = [];
    for (var i = 0; i < pts.length; i++) out.push([Number(pts[i].getAttribute("lon")), Number(pts[i].getAttribute("lat"))]);
    return out.length ? out : null;
  } catch (e) { return null; }
}

function showPlan(id) {
  var q = new URLSearchParams(location.hash.split("?")[1] || "");
  var err = page(id ? t("edit_walk") : t("plan_walk"));
  h.main.appendChild(el("p", {}, [el("a", { href: id ? "#/walks/" + id : "#/walks", text: "← " + (id ? t("back_to_walk") : t("back_to_walks")) })]));
  h.main.appendChild(el("h1", { text: id ? t("edit_walk") : t("plan_walk") }));
  h.main.appendChild(err);
  if (!canPlan()) { err.textContent = t("not_allowed"); return; }
  var loads = [api("GET", "/api/v1/walks").then(walkList).catch(function () { return []; })];
  if (id) loads.push(api("GET", "/api/v1/walks/" + id));
  else if (q.get("follow_up_of")) loads.push(api("GET", "/api/v1/walks/" + Number(q.get("follow_up_of"))).then(function (w) {
    return { follow_up_of: w.id, title: t("follow_up_title", { title: w.title }), area: w.area, meeting_point: w.meeting_point,
      meeting_text: w.meeting_text, route: w.route, groups: w.groups, stops: [], partners: w.partners, public: w.public,
      expected_participants: w.expected_participants, _copy: true };
  }));
  Promise.all(loads).then(function (r) { planForm(id, r[1] || null, r[0], err); }).catch(function (e) { h.showError(err, e); });
}

function planForm(id, w, earlier, err) {
  w = w || {};
  var model = {
    meeting: w.meeting_point ? { lat: w.meeting_point.lat, lon: w.meeting_point.lon } : null,
    route: lineLatLngs(w.route),
    routeFile: null, routeFileName: "",
    groups: (w.groups || []).map(function (g) { return { id: g.id, name: g.name, route: lineLatLngs(g.route) }; }),
    stops: (w.stops || []).map(function (s) { return { lat: s.lat, lon: s.lon, note: s.note || "", group_id: s.group_id || null }; }),
    mode: "meeting"
  };
  // Stops name their group by index in the body: keep the id to find the index again.
  var title = el("input", { name: "title", required: true, maxlength: "200", value: w.title || "" });
  var area = h.select("area", areaOptions(false), w.area ? w.area.code : "");
  var starts = el("input", { type: "datetime-local", name: "starts_at", required: true, value: toLocalInput(w.starts_at) });
  var ends = el("input", { type: "datetime-local", name: "ends_at", required: true, value: toLocalInput(w.ends_at) });
  var meetingText = el("input", { name: "meeting_text", maxlength: "500", value: w.meeting_text || "" });
  var mLat = el("input", { type: "number", step: "any", name: "meeting_lat", inputmode: "decimal", value: model.meeting ? String(model.meeting.lat) : "" });
  var mLon = el("input", { type: "number", step: "any", name: "meeting_lon", inputmode: "decimal", value: model.meeting ? String(model.meeting.lon) : "" });
  var expected = el("input", { type: "number", name: "expected_participants", min: "0", max: "10000", value: w.expected_participants != null ? String(w.expected_participants) : "" });
  var pub = el("input", { type: "checkbox", id: "walk-public", name: "public" });
  pub.checked = w.public !== undefined ? !!w.public : true;
  var partnerUnits = {};
  (w.partners || []).forEach(function (p) { if (p.unit) partnerUnits[p.unit.code] = true; });
  var freeNames = (w.partners || []).filter(function (p) { return !p.unit; }).map(function (p) { return p.name; });
  var unitChecks = h.ctx.units.map(function (u) {
    var cb = el("input", { type: "checkbox", id: "partner-" + u.code, value: u.code });
    cb.checked = !!partnerUnits[u.code];
    return el("div", { className: "field toggle" }, [cb, el("label", { for: "partner-" + u.code, text: u.name })]);
  });
  var otherPartners = el("textarea", { name: "partners_free", rows: "3", "aria-describedby": "partners-hint" });
  otherPartners.value = freeNames.join("\n");
  var followSel = h.select("follow_up_of", [["", t("none")]].concat(earlier.filter(function (x) { return x.id !== id; }).map(function (x) {
    return [x.id, x.title + " (" + fmtDay(x.starts_at) + ")"];
  })), w.follow_up_of || "");
  var fileInput = el("input", { type: "file", name: "route_file", accept: ".geojson,.json,.gpx,application/geo+json,application/json,application/gpx+xml", "aria-describedby": "route-file-hint" });
  var fileStatus = el("p", { className: "hint", id: "route-file-hint", text: t("route_file_hint") });
  var routeStatus = el("p", { className: "status", role: "status" });
  var groupsBox = el("div", { className: "plan-list" });
  var stopsBox = el("div", { className: "plan-list" });
  var modeBox = el("fieldset", { className: "map-mode" });
  var mapDiv = el("div", { className: "draw-map plan-map", role: "region", "aria-label": t("plan_map_label") });

  var fields = { title: title, area: area, starts_at: starts, ends_at: ends, meeting_text: meetingText, meeting_point: mLat,
    route: fileInput, route_file: fileInput, expected_participants: expected, follow_up_of: followSel, partners: otherPartners };

  // ---- the map: one click target at a time (the mode) ----
  var map = null, shapes = L.layerGroup();
  function redraw() {
    if (!map) return;
    shapes.clearLayers();
    var fileLine = model.routeFile ? previewRoute(model.routeFile) : null;
    var line = fileLine ? fileLine.map(function (c) { return [c[1], c[0]]; }) : model.route;
    if (line.length) L.polyline(line, { color: WALK_COLOURS.route, weight: 5, dashArray: fileLine ? "2 6" : null }).addTo(shapes);
    line.forEach(function (p, i) { if (!fileLine && (i === 0 || i === line.length - 1)) L.circleMarker(p, { radius: 5, color: WALK_COLOURS.route }).addTo(shapes); });
    model.groups.forEach(function (g, i) {
      if (g.route.length) L.polyline(g.route, { color: WALK_COLOURS.group[i % WALK_COLOURS.group.length], weight: 4, dashArray: "8 6" })
        .bindTooltip(g.name || t("group_n", { n: i + 1 })).addTo(shapes);
    });
    if (model.meeting) L.marker([model.meeting.lat, model.meeting.lon], { keyboard: false,
      icon: L.divIcon({ className: "walk-pin walk-meeting", html: "<span>M</span>", iconSize: [30, 30], iconAnchor: [15, 15] }) }).addTo(shapes);
    model.stops.forEach(function (s, i) {
      L.marker([s.lat, s.lon], { keyboard: false,
        icon: L.divIcon({ className: "walk-pin walk-stop", html: "<span>" + (i + 1) + "</span>", iconSize: [30, 30], iconAnchor: [15, 15] }) }).addTo(shapes);
    });
    routeStatus.textContent = fileLine ? t("route_from_file", { name: model.routeFileName, n: fileLine.length })
      : model.routeFile ? t("route_file_chosen", { name: model.routeFileName })
      : model.route.length ? t("route_points", { n: model.route.length }) : t("route_none");
  }
  function currentLine() {
    if (model.mode === "route") return model.route;
    var m = model.mode.match(/^group-(\d+)$/);
    return m && model.groups[Number(m[1])] ? model.groups[Number(m[1])].route : null;
  }
  function onMapClick(e) {
    var p = [Math.round(e.latlng.lat * 1e6) / 1e6, Math.round(e.latlng.lng * 1e6) / 1e6];
    if (model.mode === "meeting") {
      model.meeting = { lat: p[0], lon: p[1] };
      mLat.value = String(p[0]); mLon.value = String(p[1]);
    } else if (model.mode === "stop") {
      model.stops.push({ lat: p[0], lon: p[1], note: "", group_id: null });
      renderStops();
    } else {
      var line = currentLine();
      if (line) line.push(p);
    }
    redraw();
  }
  function renderModes() {
    modeBox.textContent = "";
    modeBox.appendChild(el("legend", { text: t("map_click_sets") }));
    var modes = [["meeting", t("meeting_point")], ["route", t("route_line")], ["stop", t("add_stop")]].concat(
      model.groups.map(function (g, i) { return ["group-" + i, t("group_route", { name: g.name || t("group_n", { n: i + 1 }) })]; }));
    if (!modes.some(function (m) { return m[0] === model.mode; })) model.mode = "meeting";
    modes.forEach(function (m) {
      var r = el("input", { type: "radio", name: "map-mode", id: "mode-" + m[0], value: m[0] });
      r.checked = model.mode === m[0];
      r.addEventListener("change", function () { model.mode = m[0]; });
      modeBox.appendChild(el("div", { className: "field toggle" }, [r, el("label", { for: "mode-" + m[0], text: m[1] })]));
    });
    modeBox.appendChild(el("div", { className: "row" }, [
      el("button", { type: "button", className: "secondary", text: t("undo_point"), onclick: function () {
        var line = currentLine();
        if (line && line.length) line.pop();
        redraw();
      } }),
      el("button", { type: "button", className: "secondary", text: t("clear_line"), onclick: function () {
        var line = currentLine();
        if (line) line.length = 0;
        redraw();
      } })]));
  }
  function renderGroups() {
    groupsBox.textContent = "";
    model.groups.forEach(function (g, i) {
      var name = el("input", { value: g.name, id: "group-name-" + i, required: true, maxlength: "100", onchange: function () { g.name = name.value.trim(); renderModes(); renderStops(); } });
      groupsBox.appendChild(el("div", { className: "plan-row" }, [
        h.field(t("group_name_n", { n: i + 1 }), name),
        el("span", { className: "hint", text: g.route.length ? t("route_points", { n: g.route.length }) : t("group_no_route") }),
        el("button", { type: "button", className: "secondary", text: t("remove_group", { n: i + 1 }), onclick: function () {
          model.groups.splice(i, 1);
          model.stops.forEach(function (s) { if (s.group_index === i) s.group_index = null; });
          renderGroups(); renderModes(); renderStops(); redraw();
        } })]));
    });
    groupsBox.appendChild(el("button", { type: "button", className: "secondary", text: t("add_group"), onclick: function () {
      model.groups.push({ id: null, name: t("group_default", { letter: String.fromCharCode(65 + model.groups.length) }), route: [] });
      renderGroups(); renderModes(); renderStops();
    } }));
  }
  function renderStops() {
    stopsBox.textContent = "";
    if (!model.stops.length) stopsBox.appendChild(el("p", { className: "hint", text: t("no_stops") }));
    model.stops.forEach(function (s, i) {
      if (s.group_index === undefined) {
        s.group_index = null;
        model.groups.forEach(function (g, gi) { if (g.id && g.id === s.group_id) s.group_index = gi; });
      }
      var note = el("input", { value: s.note, maxlength: "500", onchange: function () { s.note = note.value; } });
      var row = [h.field(t("stop_note_n", { n: i + 1 }), note)];
      if (model.groups.length) {
        var gs = h.select("stop-group", [["", t("all_groups")]].concat(model.groups.map(function (g, gi) { return [gi, g.name || t("group_n", { n: gi + 1 })]; })),
          s.group_index === null ? "" : s.group_index);
        gs.addEventListener("change", function () { s.group_index = gs.value === "" ? null : Number(gs.value); });
        row.push(h.field(t("stop_group_n", { n: i + 1 }), gs));
      }
      row.push(el("button", { type: "button", className: "secondary", text: t("remove_stop", { n: i + 1 }), onclick: function () {
        model.stops.splice(i, 1); renderStops(); redraw();
      } }));
      stopsBox.appendChild(el("div", { className: "plan-row" }, row));
    });
  }
  [mLat, mLon].forEach(function (inp) {
    inp.addEventListener("change", function () {
      var la = Number(mLat.value), lo = Number(mLon.value);
      model.meeting = mLat.value && mLon.value && isFinite(la) && isFinite(lo) ? { lat: la, lon: lo } : null;
      redraw();
    });
  });
  fileInput.addEventListener("change", function () {
    var f = fileInput.files && fileInput.files[0];
    if (!f) return;
    f.text().then(function (text) {
      model.routeFile = text; model.routeFileName = f.name;
      redraw();
      if (!previewRoute(text)) routeStatus.textContent = t("route_file_chosen", { name: f.name });
    });
  });
  var clearFile = el("button", { type: "button", className: "secondary", text: t("route_file_clear"), onclick: function () {
    model.routeFile = null; model.routeFileName = ""; fileInput.value = ""; redraw();
  } });

  function body() {
    var b = { title: title.value.trim(), starts_at: fromLocalInput(starts.value), ends_at: fromLocalInput(ends.value),
      meeting_text: meetingText.value.trim(), public: pub.checked };
    if (area.value) b.area = area.value;
    if (model.meeting) b.meeting_point = { lon: model.meeting.lon, lat: model.meeting.lat };
    if (model.routeFile) b.route_file = model.routeFile;
    else if (model.route.length >= 2) b.route = { type: "LineString", coordinates: model.route.map(function (p) { return [p[1], p[0]]; }) };
    else if (id) b.route = null;
    var partners = unitChecks.map(function (d) { return d.querySelector("input"); }).filter(function (c) { return c.checked; }).map(function (c) { return c.value; });
    otherPartners.value.split(/\n|;/).map(function (s) { return s.trim(); }).filter(Boolean).forEach(function (n) { partners.push({ name: n }); });
    b.partners = partners;
    if (expected.value !== "") b.expected_participants = Number(expected.value);
    if (followSel.value) b.follow_up_of = Number(followSel.value);
    b.groups = model.groups.map(function (g) {
      var x = { name: g.name };
      if (g.route.length >= 2) x.route = { type: "LineString", coordinates: g.route.map(function (p) { return [p[1], p[0]]; }) };
      return x;
    });
    b.stops = model.stops.map(function (s) {
      var x = { lon: s.lon, lat: s.lat, note: s.note };
      if (s.group_index !== null && s.group_index !== undefined) x.group = s.group_index;
      return x;
    });
    return b;
  }

  var submitBtn = el("button", { type: "submit", className: "primary", text: id ? t("save") : t("plan_submit") });
  var form = el("form", { className: "plan-form", novalidate: true, onsubmit: function (ev) {
    ev.preventDefault();
    err.textContent = "";
    Object.keys(fields).forEach(function (k) { fields[k].removeAttribute("aria-invalid"); });
    if (!title.value.trim() || !starts.value || !ends.value) {
      var first = !title.value.trim() ? title : !starts.value ? starts : ends;
      first.setAttribute("aria-invalid", "true");
      err.textContent = t("fill_required");
      first.focus();
      return;
    }
    submitBtn.disabled = true;
    (id ? api("PUT", "/api/v1/walks/" + id, body()) : api("POST", "/api/v1/walks", body())).then(function (nw) {
      h.announce(t("saved"));
      location.hash = "#/walks/" + (nw && nw.id ? nw.id : id);
    }).catch(function (e) {
      submitBtn.disabled = false;
      h.showError(err, e);
      var f = e.field && fields[String(e.field).split(/[.[]/)[0]];
      if (f) { f.setAttribute("aria-invalid", "true"); f.focus(); } else err.scrollIntoView();
    });
  } }, [
    el("section", { "aria-labelledby": "h-plan-facts" }, [el("h2", { id: "h-plan-facts", text: t("plan_facts") }),
      el("div", { className: "inline-form" }, [h.field(t("walk_title"), title), h.field(t("area"), area),
        h.field(t("starts_at"), starts), h.field(t("ends_at"), ends), h.field(t("expected_participants"), expected),
        h.field(t("follow_up_of"), followSel),
        el("div", { className: "field toggle" }, [pub, el("label", { for: "walk-public", text: t("public_walk") })])])]),
    el("section", { "aria-labelledby": "h-plan-place" }, [el("h2", { id: "h-plan-place", text: t("plan_place") }),
      el("p", { className: "hint", text: t("plan_map_help") }),
      el("div", { className: "staff-grid" }, [
        el("div", {}, [mapDiv, routeStatus]),
        el("div", {}, [modeBox,
          el("div", { className: "inline-form" }, [h.field(t("meeting_text"), meetingText), h.field(t("meeting_lat"), mLat), h.field(t("meeting_lon"), mLon)]),
          el("div", { className: "field" }, [el("label", { for: "route-file", text: t("route_file") }), fileInput, fileStatus, clearFile])])])]),
    el("section", { "aria-labelledby": "h-plan-groups" }, [el("h2", { id: "h-plan-groups", text: t("groups") }),
      el("p", { className: "hint", text: t("groups_help") }), groupsBox]),
    el("section", { "aria-labelledby": "h-plan-stops" }, [el("h2", { id: "h-plan-stops", text: t("stops") }),
      el("p", { className: "hint", text: t("stops_help") }), stopsBox]),
    el("section", { "aria-labelledby": "h-plan-partners" }, [el("h2", { id: "h-plan-partners", text: t("partners") }),
      el("fieldset", {}, [el("legend", { text: t("partner_units") })].concat(unitChecks)),
      el("div", { className: "field" }, [el("label", { for: "partners-free", text: t("partners_free") }), otherPartners,
        el("p", { className: "hint", id: "partners-hint", text: t("partners_free_hint") })])]),
    submitBtn]);
  fileInput.id = "route-file";
  otherPartners.id = "partners-free";
  h.main.appendChild(form);
  renderModes(); renderGroups(); renderStops();
  map = L.map(mapDiv);
  shapes.addTo(map);
  if (h.ctx.areas) L.geoJSON(h.ctx.areas, { interactive: false, style: function () { return { color: "#0b3d5c", weight: 1, fill: false, dashArray: "4 4" }; } }).addTo(map);
  var b = L.latLngBounds([]);
  if (model.route.length) b.extend(L.polyline(model.route).getBounds());
  if (model.meeting) b.extend([model.meeting.lat, model.meeting.lon]);
  var af = w.area && areaFeature(w.area.code);
  if (!b.isValid() && af) b = L.geoJSON(af).getBounds();
  fit(map, b, h.ctx.areas && h.ctx.areas.features.length ? L.geoJSON(h.ctx.areas).getBounds() : null);
  area.addEventListener("change", function () {
    var f = areaFeature(area.value);
    if (f && !model.route.length && !model.meeting) map.fitBounds(L.geoJSON(f).getBounds());
  });
  map.on("click", onMapClick);
  redraw();
  title.focus();
}

/* ---- the walk page ----------------------------------------------------------------------- */

function showWalk(id) {
  var err = page(t("walks_title"));
  h.main.appendChild(err);
  api("GET", "/api/v1/walks/" + id).then(function (w) { renderWalk(w); })
    .catch(function (e) { h.showError(err, e); });
}

function renderWalk(w) {
  leave();
  var err = page(w.title);
  var back = el("p", { className: "no-print" }, [el("a", { href: "#/walks", text: "← " + t("back_to_walks") })]);
  h.main.appendChild(back);
  h.main.appendChild(el("h1", {}, [el("span", { className: "print-only", text: t("protocol_for") + " " }), w.title]));
  h.main.appendChild(err);
  var c = w.counts || {};
  var countsDd = el("span", { id: "walk-counts", text: t("counts_text", { p: c.participants || 0, o: c.observations || 0, a: c.audits || 0 }) });
  var partners = (w.partners || []).map(function (p) { return p.unit ? p.unit.name : p.name; }).join(", ");
  var facts = h.dl([
    [t("walk_state"), walkState(w.state)],
    [t("when"), document.createTextNode(fmtRange(w.starts_at, w.ends_at))],
    [t("area"), document.createTextNode(w.area ? w.area.name : t("none"))],
    [t("meeting_point"), document.createTextNode(w.meeting_text || (w.meeting_point ? w.meeting_point.lat.toFixed(5) + ", " + w.meeting_point.lon.toFixed(5) : t("none")))],
    [t("organiser"), document.createTextNode(w.organiser ? w.organiser.username : t("none"))],
    [t("partners"), document.createTextNode(partners || t("none"))],
    [t("expected_participants"), document.createTextNode(w.expected_participants != null ? String(w.expected_participants) : t("none"))],
    [t("counts"), countsDd],
    [t("public_walk"), document.createTextNode(w.public ? t("yes") : t("no"))],
    w.follow_up_of ? [t("follow_up_of"), el("a", { href: "#/walks/" + w.follow_up_of, text: t("walk_n", { id: w.follow_up_of }) })] : null,
    w.follow_ups && w.follow_ups.length ? [t("follow_ups"), el("span", {}, w.follow_ups.map(function (f, i) {
      return el("a", { href: "#/walks/" + f, text: (i ? ", " : "") + t("walk_n", { id: f }) });
    }))] : null,
    [t("meeting_held_on"), document.createTextNode(w.meeting_held_on ? fmtDay(w.meeting_held_on) : t("none"))],
    [t("protocol_published"), document.createTextNode(w.protocol_published_at ? h.fmt(w.protocol_published_at) : t("not_yet"))]
  ]);

  // The join code, the QR and the documents.
  var join = el("section", { className: "join-box no-print", "aria-labelledby": "h-join" }, [
    el("h2", { id: "h-join", text: t("join_title") }),
    el("p", { className: "join-code", "aria-label": t("join_code_spelled", { code: w.code.split("").join(" ") }) }, [w.code]),
    el("p", {}, [el("a", { href: w.join_url, text: w.join_url })]),
    el("img", { className: "qr", src: "/api/v1/walks/" + w.id + "/qr.svg", alt: t("qr_alt", { url: w.join_url }), width: "200", height: "200" }),
    el("ul", { className: "doc-links" }, [
      el("li", {}, [el("a", { href: "/api/v1/walks/" + w.id + "/poster.pdf?lang=sv", text: t("poster_sv") })]),
      el("li", {}, [el("a", { href: "/api/v1/walks/" + w.id + "/poster.pdf?lang=en", text: t("poster_en") })]),
      el("li", {}, [el("a", { href: "/api/v1/walks/" + w.id + "/protocol.pdf", text: t("protocol_pdf") })]),
      el("li", {}, [el("a", { href: "/api/v1/walks/" + w.id + "/protocol.csv", text: t("protocol_csv") })]),
      w.public ? el("li", {}, [el("a", { href: "/walks/" + encodeURIComponent(w.code), text: t("public_page") })]) : null,
      el("li", {}, [el("a", { href: "/staff#/walk-items/" + w.id, text: t("unit_link") })])])]);

  var actions = el("div", { className: "walk-actions no-print", role: "group", "aria-label": t("walk_actions") });
  function setState(s, confirmKey) {
    if (confirmKey && !window.confirm(t(confirmKey))) return;
    err.textContent = "";
    api("PUT", "/api/v1/walks/" + w.id, { state: s }).then(function (nw) { h.announce(t("saved")); renderWalk(nw && nw.id ? nw : Object.assign(w, { state: s })); })
      .catch(function (e) { h.showError(err, e); });
  }
  if (canPlan()) {
    if (w.state === "planned") actions.appendChild(el("button", { type: "button", className: "primary", text: t("start_walk"), onclick: function () { setState("ongoing"); } }));
    if (w.state === "ongoing") actions.appendChild(el("button", { type: "button", className: "primary", text: t("finish_walk"), onclick: function () { setState("done"); } }));
    if (w.state === "done") actions.appendChild(el("button", { type: "button", className: "secondary", text: t("reopen_walk"), onclick: function () { setState("ongoing"); } }));
    if (w.state !== "cancelled") actions.appendChild(el("button", { type: "button", className: "secondary danger", text: t("cancel_walk"), onclick: function () { setState("cancelled", "confirm_cancel"); } }));
    actions.appendChild(linkButton("#/walks/" + w.id + "/edit", t("edit_walk")));
    actions.appendChild(linkButton("#/walks/new?follow_up_of=" + w.id, t("plan_follow_up")));
  }
  actions.appendChild(el("button", { type: "button", className: "secondary", text: t("print_protocol"), onclick: function () { window.print(); } }));

  // The map and what arrives, live.
  var mapDiv = el("div", { className: "walk-page-map", role: "region", "aria-label": t("walk_map_label") });
  var liveStatus = el("p", { className: "status no-print", id: "live-status", role: "status", "aria-live": "polite" });
  var liveList = el("ol", { className: "live-list", id: "live-list", reversed: true });
  var liveBox = el("section", { className: "live-box", "aria-labelledby": "h-live" }, [
    el("h2", { id: "h-live", text: t("live_title") }), liveStatus, liveList]);
  var auditBox = el("section", { "aria-labelledby": "h-audits" }, [el("h2", { id: "h-audits", text: t("audit_summary") })]);
  var itemsBox = el("section", { className: "protocol", "aria-labelledby": "h-items" }, [el("h2", { id: "h-items", text: t("protocol_items") })]);
  var itemsTable = el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": t("protocol_items") });
  itemsBox.appendChild(itemsTable);

  h.main.appendChild(el("div", { className: "walk-top" }, [el("section", { "aria-label": t("walk_facts") }, [facts]), join]));
  h.main.appendChild(actions);
  h.main.appendChild(el("div", { className: "staff-grid" }, [mapDiv, liveBox]));
  h.main.appendChild(auditBox);
  h.main.appendChild(itemsBox);
  if (canPlan()) {
    h.main.appendChild(meetingForm(w, err));
    h.main.appendChild(paperForm(w, err, function () { poll(); }));
    h.main.appendChild(publishBox(w, err));
  }

  var map = L.map(mapDiv);
  var af = w.area && areaFeature(w.area.code);
  var drawn = drawWalk(map, Object.assign({}, w, { area_outline: af ? af.geometry : null }), { labels: mapLabels() });
  var points = L.layerGroup().addTo(map);
  fit(map, drawn.bounds, h.ctx.areas && h.ctx.areas.features.length ? L.geoJSON(h.ctx.areas).getBounds() : null);

  // The earlier walk: its checklist on the map, its audits beside ours.
  var earlierAudits = null;
  if (w.follow_up_of) {
    api("GET", "/api/v1/walks/" + encodeURIComponent(w.code)).then(function (pv) {
      if (pv && pv.checklist && pv.checklist.length) drawWalk(map, { checklist: pv.checklist }, { labels: mapLabels() });
    }).catch(function () { /* the map shows the rest */ });
    api("GET", "/api/v1/walks/" + w.follow_up_of + "/live?after=0").then(function (b) {
      earlierAudits = b.audits || [];
      renderAudits();
    }).catch(function () { /* not ours to see, or gone */ });
  }

  // The cursor is opaque ("0" = everything); observations arrive as protocol items (observation_id).
  var seenObs = {}, seenAudits = {}, audits = [], cursor = "0";
  function obsId(o) { return o.observation_id || o.id; }
  function describeObs(o) {
    return "#" + obsId(o) + " " + categoryName(o.category) + (o.description ? " – " + o.description : "");
  }
  function addObservation(o) {
    var oid = obsId(o);
    if (seenObs[oid]) return false;
    seenObs[oid] = true;
    observationMarker(o, describeObs(o)).addTo(points);
    liveList.insertBefore(el("li", { className: "live-obs", "data-id": String(oid) }, [
      el("span", { className: "when", text: new Date(o.observed_at || o.created_at).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" }) + " " }),
      el("a", { href: "#/case/" + oid, text: describeObs(o) })]), liveList.firstChild);
    return true;
  }
  function addAudit(a) {
    var key = a.id || a.client_id;
    if (seenAudits[key]) return false;
    seenAudits[key] = true;
    audits.push(a);
    var s = auditSummary([a]), vals = AUDIT_PARAMETERS.map(function (p) { return s[p].mean; }).filter(function (v) { return v !== null; });
    var mean = vals.length ? (vals.reduce(function (x, y) { return x + y; }, 0) / vals.length).toFixed(1) : "–";
    var text = t("audit_item", { mean: mean });
    if (typeof a.lat === "number") auditMarker(a, text).addTo(points);
    liveList.insertBefore(el("li", { className: "live-audit" }, [
      el("span", { className: "when", text: new Date(a.observed_at || a.created_at || Date.now()).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" }) + " " }),
      text]), liveList.firstChild);
    return true;
  }
  function renderAudits() {
    auditBox.textContent = "";
    auditBox.appendChild(el("h2", { id: "h-audits", text: t("audit_summary") }));
    if (!audits.length && !(earlierAudits && earlierAudits.length)) { auditBox.appendChild(el("p", { text: t("no_audits") })); return; }
    var now = auditSummary(audits), before = earlierAudits ? auditSummary(earlierAudits) : null;
    function cell(x) { return x.mean === null ? t("none") : x.mean.toFixed(1) + " (n=" + x.n + ")"; }
    var cols = [t("audit_parameter")].concat(before ? [t("audit_before"), t("audit_after")] : [t("audit_mean")]);
    auditBox.appendChild(h.table(cols, AUDIT_PARAMETERS.map(function (p) {
      return [t("audit_" + p)].concat(before ? [cell(before[p]), cell(now[p])] : [cell(now[p])]);
    })));
    auditBox.appendChild(el("p", { className: "hint", text: t("audit_scale") }));
  }
  function poll() {
    return api("GET", "/api/v1/walks/" + w.id + "/live?after=" + encodeURIComponent(cursor)).then(function (b) {
      if (!live || live.walkId !== w.id) return;
      var nObs = 0, nAud = 0;
      (b.observations || []).forEach(function (o) { if (addObservation(o)) nObs++; });
      (b.audits || []).forEach(function (a) { if (addAudit(a)) nAud++; });
      if (b.cursor !== undefined && b.cursor !== null) cursor = String(b.cursor);
      if (b.counts) countsDd.textContent = t("counts_text", { p: b.counts.participants || 0, o: b.counts.observations || 0, a: b.counts.audits || 0 });
      if (nAud) renderAudits();
      if (nObs || nAud) {
        if (live.started) liveStatus.textContent = t("live_new", { o: nObs, a: nAud });
        if (nObs) refreshItems();
      }
      if (!liveList.firstChild) liveList.appendChild(el("li", { className: "live-empty", text: t("live_empty") }));
      else { var empty = liveList.querySelector(".live-empty"); if (empty) empty.remove(); }
      live.started = true;
    }).catch(function (e) {
      if (live) liveStatus.textContent = t("live_error", { msg: e.message });
    });
  }
  function refreshItems() {
    // Never redraw under an open edit form: the next refresh (or a save) picks the new items up.
    if (itemsTable.querySelector(".item-edit:not([hidden])")) { itemsBox.classList.add("stale"); return; }
    loadItems(w, itemsTable, err);
  }
  var polling = w.state === "planned" || w.state === "ongoing";
  live = {
    walkId: w.id, timer: null, started: false,
    stop: function () { clearInterval(this.timer); this.timer = null; document.removeEventListener("visibilitychange", onVisibility); },
    run: function () {
      if (this.timer || !polling) return;
      this.timer = setInterval(poll, LIVE_INTERVAL_MS);
    }
  };
  function onVisibility() {
    if (!live) return;
    if (document.hidden) { clearInterval(live.timer); live.timer = null; liveStatus.textContent = t("live_paused"); }
    else { poll(); live.run(); liveStatus.textContent = t("live_on"); }
  }
  document.addEventListener("visibilitychange", onVisibility);
  liveStatus.textContent = polling ? t("live_on") : t("live_off");
  poll().then(function () { if (!document.hidden) live && live.run(); });
  renderAudits();
  loadItems(w, itemsTable, err);
}

/* ---- protocol items ---------------------------------------------------------------------- */

function answerText(a) {
  if (!a) return t("no_answer");
  var s = t("ans_" + a.answer);
  if (a.answer === "will_do" && a.by) s += " " + t("by_date", { d: fmtDay(a.by) });
  if (a.answer === "wont_do" && a.reason) s += ": " + a.reason;
  if (a.answer === "not_ours" && a.passed_to) s += " → " + a.passed_to;
  if (a.comment) s += " (" + a.comment + ")";
  if (a.actor || a.at) s += " — " + [a.actor, a.at ? fmtDay(a.at) : ""].filter(Boolean).join(", ");
  return s;
}

function responsibleText(r) {
  if (!r) return t("none");
  return (r.unit ? r.unit.name : "") + (r.unit && r.name && r.name !== r.unit.name ? " / " : "") + (r.name && (!r.unit || r.name !== r.unit.name) ? r.name : "") || t("none");
}

/* Where an item is: the server's "place" when it has one, else its area and SWEREF 99 TM coordinates. */
function placeText(it) {
  if (it.place) return it.place;
  var parts = [];
  if (it.area_name) parts.push(it.area_name);
  if (it.sweref99tm) parts.push("E " + Math.round(it.sweref99tm.e) + " N " + Math.round(it.sweref99tm.n));
  else if (typeof it.lat === "number") parts.push(it.lat.toFixed(5) + ", " + it.lon.toFixed(5));
  return parts.join(", ") || t("none");
}

function groupName(g) { return g ? (typeof g === "object" ? g.name : String(g)) : ""; }

function loadItems(w, box, err) {
  return api("GET", "/api/v1/walks/" + w.id + "/items").then(function (b) {
    renderItems(w, itemsList(b), box, err);
    var sec = box.closest(".protocol");
    if (sec) sec.classList.remove("stale");
  }).catch(function (e) { h.showError(err, e); });
}
function itemsList(b) { return itemList(b); }

function renderItems(w, items, box, err) {
  box.textContent = "";
  if (!items.length) { box.appendChild(el("p", { text: t("no_items") })); return; }
  var editable = canPlan();
  // One section per group when the walk has groups (the method's protocol has one per group).
  var sections = [];
  var byGroup = {};
  items.forEach(function (it) {
    var g = groupName(it.group);
    if (!byGroup[g]) { byGroup[g] = []; sections.push(g); }
    byGroup[g].push(it);
  });
  sections.forEach(function (g) {
    var cols = [t("col_no"), t("category"), t("place"), t("description"), t("photo"), t("unsafe"), t("light"),
      t("action"), t("responsible"), t("priority"), t("deadline"), t("col_state"), t("answer")];
    var editCol = editable || canAnswerAll();
    if (editCol) cols.push(el("span", { className: "visually-hidden", text: t("edit") }));
    var thead = el("thead", {}, [el("tr", {}, cols.map(function (c, i) {
      return el("th", { scope: "col", className: editCol && i === cols.length - 1 ? "no-print" : null }, [c]);
    }))]);
    var tbody = el("tbody");
    byGroup[g].forEach(function (it) {
      var row = el("tr", { id: "item-" + it.observation_id }, [
        el("td", { text: String(it.number) }),
        el("td", {}, [el("a", { href: "#/case/" + it.observation_id, text: categoryName(it.category) })]),
        el("td", { text: placeText(it) }),
        el("td", { text: it.description || t("none") }),
        el("td", {}, [it.thumb_url ? el("img", { src: it.thumb_url, alt: t("photo_of", { n: it.number }), width: "64", height: "64", className: "thumb" }) : t("none")]),
        el("td", { text: it.unsafe_rating ? String(it.unsafe_rating) : t("none") }),
        el("td", { text: it.light ? t("light_" + it.light) : t("none") }),
        el("td", { text: it.action || t("none") }),
        el("td", { text: responsibleText(it.responsible) }),
        el("td", { text: it.priority ? String(it.priority) : t("none") }),
        el("td", { text: it.deadline ? fmtDay(it.deadline) : t("none") }),
        el("td", {}, [it.state ? h.stateBadge(it.state) : t("none")]),
        el("td", { text: answerText(it.answer) })]);
      tbody.appendChild(row);
      if (editable || canAnswerAll()) {
        var editRow = el("tr", { className: "item-edit no-print", hidden: true }, [el("td", { colspan: String(cols.length) }, [
          editable ? itemForm(w, it, err, function () { loadItems(w, box, err); }) : null,
          canAnswerAll() ? answerForm(w, it, err, function () { loadItems(w, box, err); }) : null])]);
        var btn = el("button", { type: "button", className: "secondary small", "aria-expanded": "false", text: t("edit_item", { n: it.number }), onclick: function () {
          editRow.hidden = !editRow.hidden;
          btn.setAttribute("aria-expanded", String(!editRow.hidden));
          if (!editRow.hidden) { var f = editRow.querySelector("textarea, input, select"); if (f) f.focus(); }
        } });
        row.appendChild(el("td", { className: "no-print" }, [btn]));
        tbody.appendChild(editRow);
      }
    });
    var caption = el("caption", { text: g ? t("group") + ": " + g : t("protocol_items") });
    if (!g) caption.className = "visually-hidden";
    box.appendChild(el("table", { className: "cases protocol-table" }, [caption, thead, tbody]));
  });
}

function itemForm(w, it, err, done) {
  var n = it.observation_id;
  var action = el("textarea", { rows: "2", id: "action-" + n, maxlength: "2000" });
  action.value = it.action || "";
  var r = it.responsible || {};
  var unit = h.select("responsible_unit", [["", t("none")]].concat(h.ctx.units.map(function (u) { return [u.code, u.name]; })), r.unit ? r.unit.code : "");
  var name = el("input", { name: "responsible_name", maxlength: "200", value: r.unit ? "" : (r.name || "") });
  var prio = h.select("priority", [["", t("none")], ["1", t("p1")], ["2", t("p2")], ["3", t("p3")]], it.priority || "");
  var deadline = el("input", { type: "date", name: "deadline", value: it.deadline || "" });
  var msg = el("p", { className: "status", role: "status" });
  return el("form", { className: "inline-form item-form", "aria-label": t("edit_item", { n: it.number }), onsubmit: function (ev) {
    ev.preventDefault();
    err.textContent = "";
    var body = { action: action.value.trim() };
    if (unit.value) body.responsible_unit = unit.value; else body.responsible_unit = null;
    body.responsible_name = name.value.trim() || null;
    body.priority = prio.value ? Number(prio.value) : null;
    body.deadline = deadline.value || null;
    api("PUT", "/api/v1/walks/" + w.id + "/items/" + n, body).then(function () { h.announce(t("saved")); done(); })
      .catch(function (e) { h.showError(err, e); msg.textContent = t("error", { msg: e.message }); });
  } }, [h.field(t("action"), action), h.field(t("responsible_unit"), unit), h.field(t("responsible_name"), name),
    h.field(t("priority"), prio), h.field(t("deadline"), deadline),
    el("button", { type: "submit", className: "primary", text: t("save_item", { n: it.number }) }), msg]);
}

/* The answer form of one item (units, and admin/triage for them). */
function answerForm(w, it, err, done) {
  var n = it.observation_id, a = it.answer || {};
  var uid = "ans-" + w.id + "-" + n;
  var radios = ANSWERS.map(function (k) {
    var r = el("input", { type: "radio", name: uid, id: uid + "-" + k, value: k });
    if (a.answer === k) r.checked = true;
    return el("div", { className: "field toggle" }, [r, el("label", { for: uid + "-" + k, text: t("ans_" + k) })]);
  });
  var by = el("input", { type: "date", name: "by", value: a.by || "" });
  var reason = el("input", { name: "reason", maxlength: "1000", value: a.reason || "" });
  var passed = el("input", { name: "passed_to", maxlength: "200", value: a.passed_to || "" });
  var comment = el("textarea", { rows: "2", name: "comment", maxlength: "2000" });
  comment.value = a.comment || "";
  var byF = h.field(t("answer_by"), by), reasonF = h.field(t("answer_reason"), reason), passedF = h.field(t("answer_passed_to"), passed);
  function sync() {
    var v = (radios.map(function (d) { return d.querySelector("input"); }).find(function (r) { return r.checked; }) || {}).value;
    byF.hidden = v !== "will_do"; reasonF.hidden = v !== "wont_do"; passedF.hidden = v !== "not_ours";
    return v;
  }
  radios.forEach(function (d) { d.querySelector("input").addEventListener("change", sync); });
  sync();
  var local = el("p", { className: "error", role: "alert" });
  return el("form", { className: "answer-form", "aria-label": t("answer_item", { n: it.number }), onsubmit: function (ev) {
    ev.preventDefault();
    local.textContent = "";
    var v = sync();
    if (!v) { local.textContent = t("answer_choose"); return; }
    var body = { answer: v };
    if (v === "will_do") { if (!by.value) { local.textContent = t("answer_need_by"); by.focus(); return; } body.by = by.value; }
    if (v === "wont_do") { if (!reason.value.trim()) { local.textContent = t("answer_need_reason"); reason.focus(); return; } body.reason = reason.value.trim(); }
    if (v === "not_ours") { if (!passed.value.trim()) { local.textContent = t("answer_need_passed"); passed.focus(); return; } body.passed_to = passed.value.trim(); }
    if (comment.value.trim()) body.comment = comment.value.trim();
    api("POST", "/api/v1/walks/" + w.id + "/items/" + n + "/answer", body).then(function () { h.announce(t("saved")); done(); })
      .catch(function (e) { local.textContent = t("error", { msg: e.message }); if (err) h.showError(err, e); });
  } }, [el("fieldset", {}, [el("legend", { text: t("answer_item", { n: it.number }) })].concat(radios)),
    byF, reasonF, passedF, h.field(t("comment"), comment), local,
    el("button", { type: "submit", className: "primary", text: t("send_answer", { n: it.number }) })]);
}

/* ---- the follow-up meeting, paper notes, publishing --------------------------------------- */

function meetingForm(w, err) {
  var d = el("input", { type: "date", name: "meeting_held_on", value: w.meeting_held_on || "" });
  return el("section", { className: "no-print", "aria-labelledby": "h-meeting" }, [el("h2", { id: "h-meeting", text: t("followup_meeting") }),
    el("p", { className: "hint", text: t("followup_meeting_help") }),
    el("form", { className: "inline-form", onsubmit: function (ev) {
      ev.preventDefault();
      api("PUT", "/api/v1/walks/" + w.id, { meeting_held_on: d.value || null }).then(function (nw) {
        h.announce(t("saved")); renderWalk(nw && nw.id ? nw : Object.assign(w, { meeting_held_on: d.value || null }));
      }).catch(function (e) { h.showError(err, e); });
    } }, [h.field(t("meeting_held_on"), d), el("button", { type: "submit", className: "secondary", text: t("save_meeting") })])]);
}

function paperForm(w, err, after) {
  var cat = h.select("category", categories().map(function (c) { return [c.code, categoryName(c.code)]; }));
  var lat = el("input", { type: "number", step: "any", name: "lat", inputmode: "decimal" });
  var lon = el("input", { type: "number", step: "any", name: "lon", inputmode: "decimal" });
  var desc = el("textarea", { rows: "3", name: "description", maxlength: "2000" });
  var rating = h.select("unsafe_rating", [["", t("none")], ["1", "1"], ["2", "2"], ["3", "3"], ["4", "4"], ["5", "5"]], "");
  // Paper notes are typed in after the walk: its start, or now for a walk still to come (the server refuses future times).
  var defaultWhen = w.starts_at && new Date(w.starts_at) < new Date() ? w.starts_at : new Date().toISOString();
  var when = el("input", { type: "datetime-local", name: "observed_at", value: toLocalInput(defaultWhen) });
  var msg = el("p", { className: "status", role: "status" });
  var mapDiv = el("div", { className: "draw-map paper-map", role: "region", "aria-label": t("paper_map_label") });
  var pin = null, map = null;
  function place() {
    var la = Number(lat.value), lo = Number(lon.value);
    if (!lat.value || !lon.value || !isFinite(la) || !isFinite(lo) || !map) return;
    if (!pin) pin = L.circleMarker([la, lo], { radius: 9, color: "#111", weight: 3, fillColor: "#a4000f", fillOpacity: 0.9 }).addTo(map);
    else pin.setLatLng([la, lo]);
  }
  [lat, lon].forEach(function (i) { i.addEventListener("change", place); });
  var details = el("details", { className: "paper no-print" }, [
    el("summary", { text: t("paper_title") }),
    el("p", { className: "hint", text: t("paper_help") }),
    mapDiv,
    el("form", { className: "inline-form", onsubmit: function (ev) {
      ev.preventDefault();
      msg.textContent = "";
      if (!lat.value || !lon.value) { msg.textContent = t("paper_need_place"); lat.focus(); return; }
      var body = { client_id: uuid(), category: cat.value, lat: Number(lat.value), lon: Number(lon.value) };
      if (desc.value.trim()) body.description = desc.value.trim();
      if (rating.value) body.unsafe_rating = Number(rating.value);
      var at = fromLocalInput(when.value);
      if (at) body.observed_at = at;
      api("POST", "/api/v1/walks/" + w.id + "/observations", body).then(function (o) {
        h.announce(t("paper_added", { id: o && o.id })); msg.textContent = t("paper_added", { id: o && o.id });
        desc.value = ""; lat.value = ""; lon.value = "";
        if (pin) { map.removeLayer(pin); pin = null; }
        after();
      }).catch(function (e) { msg.textContent = t("error", { msg: e.message }); });
    } }, [h.field(t("category"), cat), h.field(t("lat"), lat), h.field(t("lon"), lon), h.field(t("description"), desc),
      h.field(t("unsafe"), rating), h.field(t("observed"), when),
      el("button", { type: "submit", className: "primary", text: t("paper_add") }), msg])]);
  details.addEventListener("toggle", function () {
    if (!details.open || map) { if (map) map.invalidateSize(); return; }
    map = L.map(mapDiv);
    var af = w.area && areaFeature(w.area.code);
    var d = drawWalk(map, Object.assign({}, w, { area_outline: af ? af.geometry : null }), { labels: mapLabels() });
    fit(map, d.bounds, h.ctx.areas && h.ctx.areas.features.length ? L.geoJSON(h.ctx.areas).getBounds() : null);
    map.on("click", function (e) {
      lat.value = String(Math.round(e.latlng.lat * 1e6) / 1e6);
      lon.value = String(Math.round(e.latlng.lng * 1e6) / 1e6);
      place();
    });
  });
  return el("section", { className: "no-print", "aria-label": t("paper_title") }, [details]);
}

function publishBox(w, err) {
  var box = el("section", { className: "no-print", "aria-labelledby": "h-publish" }, [el("h2", { id: "h-publish", text: t("publish_title") })]);
  box.appendChild(el("p", { text: w.protocol_published_at ? t("published_at", { at: h.fmt(w.protocol_published_at) }) : t("publish_help") }));
  box.appendChild(el("button", { type: "button", className: "primary", text: w.protocol_published_at ? t("publish_again") : t("publish"), onclick: function () {
    if (!window.confirm(t("confirm_publish"))) return;
    api("POST", "/api/v1/walks/" + w.id + "/publish").then(function () {
      h.announce(t("published"));
      return api("GET", "/api/v1/walks/" + w.id);
    }).then(renderWalk).catch(function (e) { h.showError(err, e); });
  } }));
  return box;
}

/* ---- a unit's walk items -------------------------------------------------------------------- */

/*
 * The items a unit answers, walk by walk. A unit's session lists walks as the
 * public does, without ids (see the report: an API gap), so the page also
 * opens one walk by its id (#/walk-items/{id}), the link the walk page gives
 * the organiser to send to the units.
 */
function showUnitItems(walkId) {
  var err = page(t("unit_items_title"));
  h.main.appendChild(el("h1", { text: t("unit_items_title") }));
  h.main.appendChild(el("p", { text: t("unit_items_help") }));
  h.main.appendChild(err);
  var box = el("div");
  h.main.appendChild(box);
  var listed = walkId ? Promise.resolve([{ id: walkId, title: t("walk_n", { id: walkId }), state: "" }])
    : api("GET", "/api/v1/walks").then(function (b) { return walkList(b).filter(function (w) { return w.id; }); });
  listed.then(function (list) {
    var walks = list.filter(function (w) { return w.state !== "cancelled"; });
    return Promise.all(walks.map(function (w) {
      return api("GET", "/api/v1/walks/" + w.id + "/items").then(function (x) { return { walk: w, items: itemList(x) }; })
        .catch(function () { return { walk: w, items: [] }; });
    }));
  }).then(function (groups) {
    groups = groups.filter(function (g) { return g.items.length; });
    if (!groups.length) { box.appendChild(el("p", { text: t("unit_items_none") })); return; }
    groups.forEach(function (g) {
      var w = g.walk;
      var sec = el("section", { className: "unit-walk", "aria-labelledby": "h-uw-" + w.id }, [
        el("h2", { id: "h-uw-" + w.id, text: w.title + (w.starts_at ? " – " + fmtDay(w.starts_at) : "") })]);
      g.items.forEach(function (it) {
        sec.appendChild(el("article", { className: "unit-item", "aria-labelledby": "h-ui-" + it.observation_id }, [
          el("h3", { id: "h-ui-" + it.observation_id, text: t("item_title", { n: it.number, cat: categoryName(it.category) }) }),
          h.dl([
            [t("place"), document.createTextNode(placeText(it))],
            [t("description"), document.createTextNode(it.description || t("none"))],
            [t("action"), document.createTextNode(it.action || t("none"))],
            [t("priority"), document.createTextNode(it.priority ? String(it.priority) : t("none"))],
            [t("deadline"), document.createTextNode(it.deadline ? fmtDay(it.deadline) : t("none"))],
            [t("col_state"), it.state ? h.stateBadge(it.state) : document.createTextNode(t("none"))],
            [t("answer"), document.createTextNode(answerText(it.answer))]]),
          answerForm(w, it, null, function () { showUnitItems(walkId); })]));
      });
      box.appendChild(sec);
    });
  }).catch(function (e) { h.showError(err, e); });
}
