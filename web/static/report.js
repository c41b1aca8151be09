/*
 * trygg — a report's public page, /r/{id}: what the resident reported and
 * what became of it (status, the responsible unit, the municipality's public
 * answers as a timeline), with the place on a map and the photos. Reads only
 * the public GET /api/v1/observations/{id}; never contact details.
 */
import { $, el, getJSON, loadCategories, categoryName, loadConfig } from "./common.js";
import { t, apply, locale, useTexts, languageButton } from "./i18n.js";
import texts from "./texts-public.js";

useTexts(texts);

const id = (location.pathname.match(/^\/r\/(\d+)\/?$/) || [])[1];
let obs = null, config = null, map = null;

function when(iso) {
  return new Date(iso).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
}

function render() {
  const o = obs;
  const title = t("details", { id: o.id }) + " – " + categoryName(o.category);
  $("r-title").textContent = title;
  document.title = title + " – " + t("app_title");
  $("r-status").textContent = t("status_" + o.status);
  $("r-status").className = "badge status-" + o.status;
  $("r-status-text").textContent = t("status_" + o.status) + " – " + t("status_help_" + o.status);
  $("r-unit").textContent = o.unit || t("r_unit_none");
  $("r-seen").textContent = when(o.observed_at) + " (" + t("light_" + o.light) + ")";
  $("r-place").textContent = (o.area ? o.area.name : t("r_no_area")) +
    (o.sweref99tm ? " · SWEREF 99 TM " + Math.round(o.sweref99tm.n) + " N, " + Math.round(o.sweref99tm.e) + " E" : "");
  $("r-description").textContent = o.description || "";
  $("r-description").hidden = !o.description;
  $("r-support").textContent = o.support_count ? t("supports", { n: o.support_count }) : "";
  const photos = $("r-photos");
  photos.textContent = "";
  (o.photos || []).forEach((p, i) => {
    photos.appendChild(el("a", { href: p.url }, [el("img", { src: p.thumb_url, alt: t("photo_n", { n: i + 1, id: o.id }), width: "160", height: "160" })]));
  });
  const tl = $("r-timeline");
  tl.textContent = "";
  tl.appendChild(el("li", {}, [el("time", { datetime: o.created_at || o.observed_at, text: when(o.created_at || o.observed_at) }), " ", t("r_filed")]));
  (o.public_comments || []).forEach((c) => {
    tl.appendChild(el("li", {}, [el("time", { datetime: c.at, text: when(c.at) }), " ", el("strong", { text: t("comments") + ": " }), c.comment]));
  });
  if (!(o.public_comments || []).length) tl.appendChild(el("li", { text: t("r_no_answer_yet") }));
  $("r-share").href = location.origin + "/r/" + o.id;
  $("r-share").textContent = t("r_share_link") + ": " + location.origin + "/r/" + o.id;
  $("r-body").hidden = false;
}

function drawMap() {
  if (map || typeof L === "undefined") return;
  map = L.map("r-map", { zoomControl: true, scrollWheelZoom: false }).setView([obs.lat, obs.lon], 16);
  if (config && config.tiles && config.tiles.url) L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
  /* Without a basemap the area outlines give the point some context. */
  getJSON("/api/v1/areas").then((fc) => {
    L.geoJSON(fc, { interactive: false, style: () => ({ color: "#0b3d5c", weight: 2, fill: false, dashArray: "6 4" }) }).addTo(map);
  }).catch(() => { /* the point alone will do */ });
  L.circleMarker([obs.lat, obs.lon], { radius: 10, color: "#0b3d5c", weight: 3, fillColor: "#a4000f", fillOpacity: 0.9 }).addTo(map);
}

function start() {
  apply();
  languageButton($("lang"), () => { if (obs) render(); });
  if (!id) { $("r-title").textContent = t("r_not_found"); document.title = t("r_not_found"); return; }
  Promise.all([loadCategories().catch(() => null), loadConfig().then((c) => { config = c; }).catch(() => null),
    getJSON("/api/v1/observations/" + id)])
    .then((r) => { obs = r[2]; render(); drawMap(); })
    .catch((e) => {
      $("r-title").textContent = e.status === 404 ? t("r_not_found") : t("loading_failed");
      document.title = $("r-title").textContent + " – " + t("app_title");
      if (e.status !== 404) $("r-error").textContent = t("error_generic", { msg: e.message });
    });
}

start();
