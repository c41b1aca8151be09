/*
 * trygg — the public map: clusters computed by the server
 * (GET /api/v1/map/clusters), coloured by their main category, filters,
 * a heat-map view, area boundaries, and a permalink in the URL.
 */
import { $, el, getJSON, loadCategories, categories, categoryName, loadConfig } from "./common.js";
import { t, apply, locale, useTexts, languageButton } from "./i18n.js";
import texts from "./texts-public.js";
import { colour } from "./icons.js";

useTexts(texts);

var STATES = ["new", "acknowledged", "assigned", "in_progress", "resolved", "rejected"];
var areas = null, map, clusterLayer, heatLayer = null, areaLayer = null, config = null;
var params = new URLSearchParams(location.search);
var loadSeq = 0;

/* ---- filters <-> URL ------------------------------------------------------ */

function option(value, text, selected) {
  var o = el("option", { value: value, text: text });
  if (selected) o.selected = true;
  return o;
}

function buildFilters() {
  var chosen = (params.get("category") || "").split(",").filter(Boolean);
  var box = $("f-categories");
  box.textContent = "";
  categories().forEach(function (c) {
    var id = "f-cat-" + c.code;
    var input = el("input", { type: "checkbox", id: id, value: c.code });
    input.checked = chosen.length === 0 || chosen.indexOf(c.code) >= 0;
    var swatch = el("span", { className: "swatch", "aria-hidden": "true" });
    swatch.style.background = colour(c.code);
    box.appendChild(el("label", { for: id }, [input, swatch, el("span", { text: categoryName(c.code) })]));
  });
  var st = $("f-status");
  st.textContent = "";
  st.appendChild(option("", t("all"), !params.get("status")));
  STATES.forEach(function (s) { st.appendChild(option(s, t("status_" + s), params.get("status") === s)); });
  var ar = $("f-area");
  ar.textContent = "";
  ar.appendChild(option("", t("all"), !params.get("area")));
  ((areas && areas.features) || []).forEach(function (f) {
    ar.appendChild(option(f.properties.code, f.properties.name, params.get("area") === f.properties.code));
  });
  var pe = $("f-period");
  pe.textContent = "";
  [["", "period_all"], ["30d", "period_30d"], ["year", "period_year"], ["last_year", "period_last_year"]].forEach(function (p) {
    pe.appendChild(option(p[0], t(p[1]), (params.get("period") || "") === p[0]));
  });
  $("f-heat").checked = params.get("heat") === "1";
}

function filterQuery() {
  var q = [];
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#f-categories input"));
  var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
  if (on.length !== boxes.length) q.push(["category", on.length ? on.join(",") : "none_selected"]);
  if ($("f-status").value) q.push(["status", $("f-status").value]);
  if ($("f-area").value) q.push(["area", $("f-area").value]);
  var period = $("f-period").value, now = new Date(), y = now.getUTCFullYear();
  if (period === "30d") q.push(["since", new Date(now - 30 * 864e5).toISOString().replace(/\.\d+Z$/, "Z")]);
  if (period === "year") q.push(["since", y + "-01-01T00:00:00Z"]);
  if (period === "last_year") { q.push(["since", (y - 1) + "-01-01T00:00:00Z"]); q.push(["until", y + "-01-01T00:00:00Z"]); }
  return { api: q, period: period };
}

function writePermalink() {
  var c = map.getCenter(), f = filterQuery();
  var p = new URLSearchParams();
  p.set("lat", c.lat.toFixed(5)); p.set("lon", c.lng.toFixed(5)); p.set("z", String(map.getZoom()));
  f.api.forEach(function (kv) { if (kv[0] === "category" || kv[0] === "status" || kv[0] === "area") p.set(kv[0], kv[1]); });
  if (f.period) p.set("period", f.period);
  if ($("f-heat").checked) p.set("heat", "1");
  history.replaceState(null, "", location.pathname + "?" + p.toString());
  params = p;
}

/* ---- drawing --------------------------------------------------------------- */

function mainCategory(cats) {
  var best = null, n = -1;
  Object.keys(cats).forEach(function (k) { if (cats[k] > n) { n = cats[k]; best = k; } });
  return best;
}

function clusterMarker(c) {
  var main = mainCategory(c.categories);
  var size = c.count === 1 ? 30 : Math.min(64, 30 + Math.round(Math.log(c.count) * 8));
  var label = c.count === 1 ? t("single_label", { cat: categoryName(main) }) + ", " + t("status_" + c.status)
                            : t("cluster_label", { n: c.count });
  var icon = L.divIcon({
    className: "cluster",
    html: "<span class=\"cluster-dot\">" + (c.count === 1 ? "" : String(c.count)) + "</span>",
    iconSize: [size, size]
  });
  var m = L.marker([c.lat, c.lon], { icon: icon, title: label, alt: label, keyboard: true });
  m.on("add", function () {
    var dot = m.getElement() && m.getElement().querySelector(".cluster-dot");
    if (dot) dot.style.background = colour(main);
    if (m.getElement()) m.getElement().setAttribute("aria-label", label);
  });
  m.on("click", function () {
    if (c.count === 1 && c.id) showDetails(c.id);
    else map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, 19));
  });
  return m;
}

function load() {
  var b = map.getBounds(), seq = ++loadSeq;
  var bbox = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())]
    .map(function (x) { return x.toFixed(6); }).join(",");
  var q = new URLSearchParams();
  q.set("bbox", bbox); q.set("zoom", String(map.getZoom()));
  var f = filterQuery();
  f.api.forEach(function (kv) { q.set(kv[0], kv[1]); });
  writePermalink();
  if (f.api.some(function (kv) { return kv[1] === "none_selected"; })) { draw({ clusters: [], total: 0 }); return; }
  getJSON("/api/v1/map/clusters?" + q.toString()).then(function (body) {
    if (seq === loadSeq) draw(body);
  }).catch(function (e) { $("summary").textContent = t("error_generic", { msg: e.message }); });
}

function draw(body) {
  clusterLayer.clearLayers();
  if (heatLayer) { map.removeLayer(heatLayer); heatLayer = null; }
  var heat = $("f-heat").checked && L.heatLayer;
  var perCat = {};
  body.clusters.forEach(function (c) {
    Object.keys(c.categories).forEach(function (k) { perCat[k] = (perCat[k] || 0) + c.categories[k]; });
    if (!heat) clusterLayer.addLayer(clusterMarker(c));
  });
  if (heat) {
    /* Hot spots are problems: "good place" reports do not heat the map. */
    var problems = function (c) {
      return Object.keys(c.categories).reduce(function (n, k) {
        var cat = categories().find(function (x) { return x.code === k; });
        return n + (cat && cat.kind === "good" ? 0 : c.categories[k]);
      }, 0);
    };
    var hot = body.clusters.map(function (c) { return { c: c, n: problems(c) }; }).filter(function (h) { return h.n > 0; });
    var max = hot.reduce(function (m, h) { return Math.max(m, h.n); }, 1);
    heatLayer = L.heatLayer(hot.map(function (h) { return [h.c.lat, h.c.lon, h.n / max]; }),
      { radius: 30, blur: 20, minOpacity: 0.35 }).addTo(map);
  }
  var s = $("summary");
  s.textContent = "";
  if (!body.total) { s.appendChild(el("p", { text: t("in_view_none") })); return; }
  s.appendChild(el("p", { text: t("in_view", { n: body.total }) }));
  var ul = el("ul");
  Object.keys(perCat).sort(function (a, b) { return perCat[b] - perCat[a]; }).forEach(function (k) {
    ul.appendChild(el("li", { text: categoryName(k) + ": " + perCat[k] }));
  });
  s.appendChild(ul);
}

function showDetails(id) {
  var box = $("details");
  box.hidden = false;
  box.textContent = t("loading");
  getJSON("/api/v1/observations/" + id).then(function (o) {
    box.textContent = "";
    box.appendChild(el("h3", { text: t("details", { id: o.id }) + " – " + categoryName(o.category) }));
    box.appendChild(el("p", {}, [el("span", { className: "badge", text: t("status_" + o.status) })]));
    var seen = new Date(o.observed_at).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
    box.appendChild(el("p", { text: t("observed") + ": " + seen + " (" + t("light_" + o.light) + ")" + (o.area ? " · " + o.area.name : "") }));
    if (o.description) box.appendChild(el("p", { text: o.description }));
    if (o.support_count) box.appendChild(el("p", { text: t("supports", { n: o.support_count }) }));
    if (o.photos && o.photos.length) {
      box.appendChild(el("a", { href: o.photos[0].url }, [el("img", { src: o.photos[0].thumb_url, alt: t("photo_alt") + " " + o.id })]));
    }
    if (o.public_comments && o.public_comments.length) {
      box.appendChild(el("h4", { text: t("comments") }));
      var ul = el("ul");
      o.public_comments.forEach(function (c) { ul.appendChild(el("li", { text: c.comment })); });
      box.appendChild(ul);
    }
    box.appendChild(el("p", {}, [el("a", { href: "/r/" + o.id, text: t("view_report_n", { id: o.id }) })]));
    var close = el("button", { type: "button", className: "secondary", text: t("close") });
    close.addEventListener("click", function () { box.hidden = true; });
    box.appendChild(close);
    box.focus();
  }).catch(function (e) { box.textContent = t("error_generic", { msg: e.message }); });
}

function drawAreas() {
  if (areaLayer) map.removeLayer(areaLayer);
  if (!areas) return;
  areaLayer = L.geoJSON(areas, {
    style: function () { return { color: "#0b3d5c", weight: 2, fill: false, dashArray: "6 4" }; },
    interactive: false
  }).addTo(map);
}

/* Draws again, in the current language, what the page built itself. */
function relabel() {
  buildFilters();
  load();
}

function start() {
  apply();
  map = L.map("map", { zoomControl: true });
  clusterLayer = L.layerGroup().addTo(map);
  Promise.all([
    loadCategories(),
    getJSON("/api/v1/areas").then(function (a) { areas = a; }).catch(function () { areas = null; }),
    loadConfig().then(function (c) { config = c; }).catch(function () { config = null; })
  ]).then(function () {
    if (config && config.tiles && config.tiles.url) {
      L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    var lat = parseFloat(params.get("lat")), lon = parseFloat(params.get("lon")), z = parseInt(params.get("z"), 10);
    if (isFinite(lat) && isFinite(lon) && isFinite(z)) map.setView([lat, lon], Math.max(1, Math.min(19, z)));
    else if (config && config.municipality && config.municipality.bbox) {
      var bb = config.municipality.bbox;
      map.fitBounds([[bb[1], bb[0]], [bb[3], bb[2]]]);
    } else map.setView([57.721, 12.94], 11);
    buildFilters();
    drawAreas();
    map.on("moveend", load);
    $("filters").addEventListener("change", load);
    languageButton($("lang"), relabel);
    load();
  });
}

start();
