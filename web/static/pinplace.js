/*
 * trygg — the field app's map aids: area labels that never overlap (and the
 * same areas as an accessible list), a pin described in words ("Norrby, 140 m
 * nordost om Norrby torg") from GET /api/v1/places/describe with an offline
 * fallback, and moving a point by metres (the keyboard-movable pin). Leaflet
 * is the global L. Texts come through i18n.js; the caller owns the page.
 */
import { el, getJSON } from "./common.js";
import { t, locale } from "./i18n.js";

/* The sphere the server's haversine uses (geo/distance.h). */
var EARTH_R = 6371008.8;
/* A gap in CSS pixels kept free between two labels. */
var LABEL_GAP = 4;
/* A label is shown only when its area is at least this share of its width on screen. */
var LABEL_FIT = 0.75;

/* ---- area labels ------------------------------------------------------------ */

function intersects(a, b) {
  return a.left < b.right + LABEL_GAP && b.left < a.right + LABEL_GAP &&
    a.top < b.bottom + LABEL_GAP && b.top < a.bottom + LABEL_GAP;
}

/*
 * Draws the areas of GeoJSON fc on map as dashed outlines, each with its name
 * as a label at its centre. After every zoom, move and resize the labels are
 * laid out again. A label is shown only from the zoom where it fits its area
 * (the area's box on screen at least as tall as the label and LABEL_FIT of
 * its width: at municipality zoom a name would cover its neighbours), when its
 * box lies inside the map, and when it touches no label already shown (in the
 * server's order, by name): no two visible labels ever overlap. Each label's
 * data-label says why ("shown", "small", "outside", "collides"). The labels
 * are hidden from assistive technology; legend (a <details> with a <summary>
 * and a <ul>) lists every area as a button that shows it on the map, so every
 * name is reachable at any zoom. Returns {layer, layout (lays them out now), count}.
 */
export function drawAreas(map, fc, legend) {
  var labels = [];
  var layer = L.geoJSON(fc, {
    interactive: false,
    style: function () { return { color: "#0b3d5c", weight: 2, fill: false, dashArray: "6 4" }; },
    onEachFeature: function (f, l) {
      l.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "area-label", interactive: false });
      labels.push(l);
    }
  }).addTo(map);

  function layout() {
    var box = map.getContainer().getBoundingClientRect();
    var shown = [];
    labels.forEach(function (l) {
      var tip = l.getTooltip(), node = tip && tip.getElement();
      if (!node) return;
      node.setAttribute("aria-hidden", "true");
      /* Hidden with visibility, so the box can still be measured. */
      var r = node.getBoundingClientRect();
      var b = l.getBounds();
      var sw = map.latLngToContainerPoint(b.getSouthWest()), ne = map.latLngToContainerPoint(b.getNorthEast());
      var fits = ne.x - sw.x >= r.width * LABEL_FIT && sw.y - ne.y >= r.height;
      var inside = r.width > 0 && r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
      var state = !fits ? "small" : !inside ? "outside"
        : shown.some(function (s) { return intersects(s, r); }) ? "collides" : "shown";
      node.classList.toggle("area-label-hidden", state !== "shown");
      node.setAttribute("data-label", state);
      if (state === "shown") shown.push(r);
    });
    /* For tests and debugging: how many are shown, and how often they were laid out. */
    var c = map.getContainer();
    c.setAttribute("data-area-labels", String(shown.length));
    c.setAttribute("data-area-layouts", String(Number(c.getAttribute("data-area-layouts") || 0) + 1));
  }
  /* After the frame in which the map settled, once however many events fired:
   * by then every label stands where the new view puts it. */
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; layout(); });
  }
  map.on("zoomend moveend resize viewreset", schedule);
  layout();

  if (legend) {
    var list = legend.querySelector("ul");
    list.textContent = "";
    labels.forEach(function (l) {
      var name = l.feature.properties.name;
      var b = el("button", { type: "button", className: "area-legend-item", text: name });
      b.addEventListener("click", function () { map.fitBounds(l.getBounds(), { padding: [10, 10] }); });
      list.appendChild(el("li", {}, [b]));
    });
    legend.querySelector("summary").textContent = t("area_legend", { n: labels.length });
    legend.hidden = labels.length === 0;
  }
  return { layer: layer, layout: layout, count: labels.length };
}

/* ---- the pin in words ------------------------------------------------------- */

/* True when lon/lat lies inside the ring [[lon, lat], …] (even-odd rule). */
function inRing(ring, lon, lat) {
  var inside = false;
  for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
    if ((yi > lat) !== (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/* The name of the first area of fc containing lon/lat, or null: the offline answer. */
export function areaAt(fc, lon, lat) {
  var found = null;
  ((fc && fc.features) || []).some(function (f) {
    var g = f.geometry, polys = !g ? [] : g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    var hit = polys.some(function (p) {
      return inRing(p[0], lon, lat) && !p.slice(1).some(function (hole) { return inRing(hole, lon, lat); });
    });
    if (hit) found = f.properties.name;
    return hit;
  });
  return found;
}

/* Asks the server where lon/lat is (see GET /api/v1/places/describe). */
export function describe(lon, lat) {
  return getJSON("/api/v1/places/describe?lon=" + lon.toFixed(7) + "&lat=" + lat.toFixed(7));
}

function distanceText(m) {
  if (m >= 1000) return (Math.round(m / 100) / 10).toLocaleString(locale()) + " km";
  return Math.round(m / 10) * 10 + " m";
}

/*
 * The address-like line for a describe answer d: "Norrby, 140 m nordost om
 * Norrby torg"; "Norrby, vid Norrby torg" within 10 m; the area alone when no
 * place is near; "Utanför områdena, …" outside every area.
 */
export function placeText(d) {
  var area = d.area ? d.area.name : t("pin_outside_areas");
  var p = d.place;
  if (!p) return area;
  if (p.distance_m < 10) return t("pin_place_at", { area: area, place: p.name });
  return t("pin_place", { area: area, distance: distanceText(p.distance_m), direction: t("dir_" + p.direction), place: p.name });
}

/* The line when the server cannot be asked: the area from the cached outlines. */
export function offlineText(fc, lon, lat) {
  var a = areaAt(fc, lon, lat);
  return t("pin_place_offline", { area: a || t("pin_outside_areas") });
}

/* ---- moving by metres ------------------------------------------------------- */

/* lat/lon moved east_m metres east and north_m metres north, on the server's sphere: [lat, lon]. */
export function moveBy(lat, lon, east_m, north_m) {
  var dlat = north_m / EARTH_R * 180 / Math.PI;
  var dlon = east_m / (EARTH_R * Math.cos(lat * Math.PI / 180)) * 180 / Math.PI;
  return [lat + dlat, lon + dlon];
}
