/*
 * trygg — a walk's geometry on a Leaflet map, shared by the field app, the
 * staff app's walk pages and the public walk page: the area outline, the
 * route (and each group's part of it), the meeting point, the planned stops,
 * the earlier walk's checklist, and the walk's observations and audits.
 * Leaflet is the global L (loaded by the page before the modules). Texts come
 * from the caller (label functions), so this module holds none of its own.
 */
import { colour } from "./icons.js";

/* The colours of the walk's own shapes; each has at least 3:1 contrast against the map's background. */
export const WALK_COLOURS = { route: "#0b3d5c", group: ["#8e2a8e", "#b3261e", "#2f6b2f", "#005f73", "#7a4f1d"],
  meeting: "#a4000f", stop: "#8a5a00", audit: "#1b6e3a", checklist: "#4a4a4a" };

/* [lat, lon] pairs of a GeoJSON LineString (or []). */
export function lineLatLngs(line) {
  if (!line || line.type !== "LineString" || !Array.isArray(line.coordinates)) return [];
  return line.coordinates.map(function (c) { return [c[1], c[0]]; });
}

function divPin(className, text) {
  return L.divIcon({ className: "walk-pin " + className, html: "<span>" + (text || "") + "</span>",
    iconSize: [30, 30], iconAnchor: [15, 15] });
}

/*
 * Draws walk w onto map in a new layer group and returns {layer, bounds}.
 * opts.labels: {meeting(w), stop(s, i), checklist(c), group(g)} — tooltip texts;
 * opts.outline: a GeoJSON geometry of the area (else w.area_outline).
 */
export function drawWalk(map, w, opts) {
  opts = opts || {};
  var labels = opts.labels || {};
  var layer = L.layerGroup().addTo(map);
  var bounds = L.latLngBounds([]);
  var outline = opts.outline || w.area_outline;
  if (outline) {
    var o = L.geoJSON(outline, { interactive: false,
      style: function () { return { color: "#0b3d5c", weight: 2, fill: false, dashArray: "6 4" }; } });
    o.addTo(layer);
    bounds.extend(o.getBounds());
  }
  var route = lineLatLngs(w.route);
  if (route.length) {
    var r = L.polyline(route, { color: WALK_COLOURS.route, weight: 5, opacity: 0.85, interactive: false }).addTo(layer);
    bounds.extend(r.getBounds());
  }
  (w.groups || []).forEach(function (g, i) {
    var gl = lineLatLngs(g.route);
    if (!gl.length) return;
    var p = L.polyline(gl, { color: WALK_COLOURS.group[i % WALK_COLOURS.group.length], weight: 4, dashArray: "8 6" }).addTo(layer);
    if (labels.group) p.bindTooltip(labels.group(g));
    bounds.extend(p.getBounds());
  });
  if (w.meeting_point) {
    var mp = [w.meeting_point.lat, w.meeting_point.lon];
    var m = L.marker(mp, { icon: divPin("walk-meeting", "M"), keyboard: false }).addTo(layer);
    if (labels.meeting) m.bindTooltip(labels.meeting(w));
    bounds.extend(mp);
  }
  (w.stops || []).forEach(function (s, i) {
    var sm = L.marker([s.lat, s.lon], { icon: divPin("walk-stop", String(i + 1)), keyboard: false }).addTo(layer);
    if (labels.stop) sm.bindTooltip(labels.stop(s, i));
    bounds.extend([s.lat, s.lon]);
  });
  (w.checklist || []).forEach(function (c) {
    var cm = L.marker([c.lat, c.lon], { icon: divPin("walk-check", String(c.number)), keyboard: false }).addTo(layer);
    if (labels.checklist) cm.bindTooltip(labels.checklist(c));
    bounds.extend([c.lat, c.lon]);
  });
  return { layer: layer, bounds: bounds };
}

/* Fits map to bounds (a Leaflet LatLngBounds), or to fallback bounds when it is empty. */
export function fit(map, bounds, fallback) {
  if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
  else if (fallback && fallback.isValid && fallback.isValid()) map.fitBounds(fallback);
  else map.setView([57.721, 12.94], 12);
}

/*
 * A marker for observation o in its category's colour, with label text: the
 * item's number in it when o has one (the protocol's numbered points), else a dot.
 */
export function observationMarker(o, label) {
  var m;
  if (o.number) {
    // An element, not HTML text: the colour is set through the DOM, which the CSP (style-src 'self') allows.
    var span = document.createElement("span");
    span.textContent = String(o.number);
    span.style.background = colour(o.category);
    m = L.marker([o.lat, o.lon], { keyboard: false,
      icon: L.divIcon({ className: "walk-pin walk-obs-pin", html: span, iconSize: [30, 30], iconAnchor: [15, 15] }) });
  } else {
    m = L.circleMarker([o.lat, o.lon], { radius: 8, color: "#111", weight: 2, fillColor: colour(o.category), fillOpacity: 0.9, className: "walk-obs" });
  }
  if (label) m.bindTooltip(label);
  return m;
}

/* A square marker for an audit a with label text. */
export function auditMarker(a, label) {
  var m = L.marker([a.lat, a.lon], { icon: divPin("walk-audit", "T"), keyboard: false });
  if (label) m.bindTooltip(label);
  return m;
}

/* The nine parameters of a perception audit (trygghetsinventering), in the method's order. */
export const AUDIT_PARAMETERS = ["lighting", "openness", "visibility", "people", "security", "walk_path",
  "public_transport", "gender_usage", "feeling"];

/*
 * The mean score per parameter of audits [{ratings:{…}}]: {param: {mean, n}}
 * (mean null when no audit rated it).
 */
export function auditSummary(audits) {
  var out = {};
  AUDIT_PARAMETERS.forEach(function (p) {
    var sum = 0, n = 0;
    (audits || []).forEach(function (a) {
      var v = a.ratings && a.ratings[p];
      if (typeof v === "number") { sum += v; n++; }
    });
    out[p] = { mean: n ? sum / n : null, n: n };
  });
  return out;
}
