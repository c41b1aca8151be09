/*
 * trygg staff app: the situation picture (#/situation?week=2026-W48, or month=,
 * quarter=, year=): per area what is new against the previous period and a year
 * earlier, the ranking of areas by need, overdue cases, walks held, and a map of
 * the period's hot spots; the A4 report for the council as PDF. Talks to the
 * server only through GET /api/v1/situation.
 */
import { el, api } from "./common.js";
import { lang, locale } from "./i18n.js";
import { chartCard } from "./charts.js";

const TEXTS = {
  sv: {
    title: "Lägesbild – {period}", week: "Vecka", month: "Månad", quarter: "Kvartal", year: "År", show: "Visa",
    period_kind: "Period", period_value: "Vilken (t.ex. 2026-W48, 2026-11, 2026-Q4, 2026)", pdf: "Rapport som PDF (A4)",
    totals: "{count} iakttagelser; föregående period {previous}; samma period året före {year}.", partial: "Perioden pågår.",
    chart: "Iakttagelser per område", now: "Perioden", previous: "Föregående period", ranking: "Rangordning efter behov",
    weights: "Vikter: antal {count}, otrygghet {unsafe}, trend {trend}, ej åtgärdat {unresolved}.",
    areas: "Områdena", col_rank: "Nr", col_area: "Område", col_score: "Poäng", col_count: "Nu", col_previous: "Föregående",
    col_year: "Året före", col_unsafe: "Otrygghet", col_trend: "Trend", col_resolved: "Åtgärdade", col_backlog: "Öppna",
    col_overdue: "Försenade", col_walks: "Vandringar (öppna punkter)", col_hot: "Nya/växande brännpunkter",
    outside: "Utanför områdena", map: "Karta över periodens brännpunkter", hotspots: "Brännpunkter", show_table: "Visa som tabell",
    failed: "Lägesbilden kunde inte hämtas: {msg}", bad_period: "Skriv perioden som 2026-W48, 2026-11, 2026-Q4 eller 2026."
  },
  en: {
    title: "Situation picture – {period}", week: "Week", month: "Month", quarter: "Quarter", year: "Year", show: "Show",
    period_kind: "Period", period_value: "Which (e.g. 2026-W48, 2026-11, 2026-Q4, 2026)", pdf: "Report as PDF (A4)",
    totals: "{count} observations; previous period {previous}; the same period a year earlier {year}.", partial: "The period is not over.",
    chart: "Observations per area", now: "The period", previous: "Previous period", ranking: "Ranking by need",
    weights: "Weights: count {count}, unsafe {unsafe}, trend {trend}, unresolved {unresolved}.",
    areas: "The areas", col_rank: "No.", col_area: "Area", col_score: "Score", col_count: "Now", col_previous: "Previous",
    col_year: "A year earlier", col_unsafe: "Unsafe", col_trend: "Trend", col_resolved: "Resolved", col_backlog: "Open",
    col_overdue: "Overdue", col_walks: "Walks (open items)", col_hot: "New/emerging hot spots",
    outside: "Outside the areas", map: "Map of the period's hot spots", hotspots: "Hot spots", show_table: "Show as a table",
    failed: "The situation picture could not be loaded: {msg}", bad_period: "Write the period as 2026-W48, 2026-11, 2026-Q4 or 2026."
  }
};

function tx(key, vars) {
  let s = (TEXTS[lang()] || TEXTS.sv)[key] || TEXTS.sv[key] || key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined && vars[k] !== null ? String(vars[k]) : "–"));
  return s;
}

function num(v, digits) {
  if (v === null || v === undefined) return "–";
  return Number(v).toLocaleString(locale(), { maximumFractionDigits: digits || 0 });
}

function table(cols, rows, numericFrom, label) {
  return el("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-label": label }, [el("table", { className: "chart-table" }, [
    el("thead", {}, [el("tr", {}, cols.map((c, i) => el("th", { scope: "col", className: i >= numericFrom ? "num" : "", text: c })))]),
    el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => (i === 0 ? el("th", { scope: "row", text: String(c) })
      : el("td", { className: i >= numericFrom ? "num" : "", text: String(c) }))))))])]);
}

/* Which period the hash asks for: [kind, value] or [] for this week. */
function asked() {
  const q = new URLSearchParams(location.hash.split("?")[1] || "");
  for (const k of ["week", "month", "quarter", "year"]) if (q.get(k)) return [k, q.get(k)];
  return [];
}

/* Renders the situation picture into main; ctx.areas is the areas' GeoJSON. */
export function showSituation(main, ctx) {
  const [kind, value] = asked();
  main.textContent = "";
  const heading = el("h1", { text: tx("title", { period: value || "" }) });
  main.appendChild(heading);
  const kindSel = el("select", { id: "sit-kind" }, ["week", "month", "quarter", "year"].map((k) => el("option", { value: k, text: tx(k), selected: k === (kind || "week") })));
  const valueIn = el("input", { id: "sit-value", value: value || "", placeholder: "2026-W48" });
  const err = el("p", { className: "error", role: "alert" });
  main.appendChild(el("form", { className: "stats-filters", onsubmit: (ev) => {
    ev.preventDefault();
    if (!/^\d{4}(-(W\d{2}|Q[1-4]|\d{2}))?$/.test(valueIn.value)) { err.textContent = tx("bad_period"); return; }
    location.hash = "#/situation?" + kindSel.value + "=" + encodeURIComponent(valueIn.value);
  } }, [el("div", { className: "field" }, [el("label", { for: "sit-kind", text: tx("period_kind") }), kindSel]),
    el("div", { className: "field" }, [el("label", { for: "sit-value", text: tx("period_value") }), valueIn]),
    el("button", { type: "submit", className: "secondary", text: tx("show") })]));
  main.appendChild(err);
  const box = el("div");
  main.appendChild(box);
  const q = kind ? "?" + kind + "=" + encodeURIComponent(value) : "";
  api("GET", "/api/v1/situation" + q).then((s) => render(box, heading, valueIn, kindSel, s, ctx)).catch((e) => { err.textContent = tx("failed", { msg: e.message }); });
}

function render(box, heading, valueIn, kindSel, s, ctx) {
  const key = s.period.key;
  heading.textContent = tx("title", { period: key });
  document.title = heading.textContent + " – Trygg";
  valueIn.value = key;
  kindSel.value = s.period.grain;
  box.appendChild(el("p", {}, [el("a", { href: "/api/v1/situation.pdf?" + s.period.grain + "=" + key + "&lang=" + lang(), text: tx("pdf") })]));
  box.appendChild(el("p", { text: tx("totals", { count: s.totals.count, previous: s.totals.previous, year: s.totals.year_before }) + (s.period.partial ? " " + tx("partial") : "") }));
  const name = (a) => (a.area ? a.area.name : tx("outside"));
  const card = chartCard({
    title: tx("chart"), labels: s.areas.map(name), tableText: tx("show_table"), chartLabel: tx("chart"),
    series: [{ name: tx("now") + " (" + key + ")", values: s.areas.map((a) => a.count) }, { name: tx("previous") + " (" + s.previous + ")", values: s.areas.map((a) => a.previous) }],
    columns: [tx("col_area"), tx("col_count"), tx("col_previous")], rows: s.areas.map((a) => [name(a), a.count, a.previous]),
  });
  box.appendChild(card);
  card.draw();
  box.appendChild(el("h2", { text: tx("ranking") }));
  box.appendChild(el("p", { className: "hint", text: tx("weights", s.weights) }));
  box.appendChild(table([tx("col_rank"), tx("col_area"), tx("col_score"), tx("col_count"), tx("col_unsafe"), tx("col_trend"), tx("col_resolved")],
    s.ranking.map((r) => [r.rank, r.area.name, num(r.score, 2), r.count, num(r.unsafe_mean, 1), num(r.trend * 100) + " %",
      r.share_resolved === null ? "–" : num(r.share_resolved * 100) + " %"]), 2, tx("ranking")));
  box.appendChild(el("h2", { text: tx("areas") }));
  box.appendChild(table([tx("col_area"), tx("col_count"), tx("col_previous"), tx("col_year"), tx("col_backlog"), tx("col_overdue"), tx("col_walks"), tx("col_hot")],
    s.areas.map((a) => [name(a), a.count, a.previous, num(a.year_before), a.backlog, a.overdue,
      a.walks.map((w) => w.code + " (" + w.open_items + ")").join(", ") || "–",
      a.hotspots.filter((h) => h.emerging).map((h) => h.cell + (h.new ? " *" : "")).join(", ") || "–"]), 1, tx("areas")));
  box.appendChild(el("h2", { text: tx("map") }));
  const mapDiv = el("div", { className: "situation-map", role: "region", "aria-label": tx("map") });
  box.appendChild(mapDiv);
  if (window.L) {
    const map = L.map(mapDiv);
    const outline = ctx.areas && ctx.areas.features.length ? L.geoJSON(ctx.areas, { interactive: false, style: () => ({ color: "#2f6b3a", weight: 1, fill: false }) }).addTo(map) : null;
    const max = Math.max(1, ...s.hotspots.features.map((f) => f.properties.count));
    const cells = L.geoJSON(s.hotspots, { style: (f) => ({ color: f.properties.emerging ? "#c00000" : "#7a2a10", weight: f.properties.emerging ? 2 : 0.5,
      fillColor: "#cc3311", fillOpacity: 0.2 + 0.6 * f.properties.count / max }) })
      .bindTooltip((layer) => layer.feature.properties.cell + ": " + layer.feature.properties.count).addTo(map);
    const b = s.hotspots.features.length ? cells.getBounds() : outline ? outline.getBounds() : null;
    if (b) map.fitBounds(b, { maxZoom: 15 }); else map.setView([57.721, 12.94], 12);
  }
}
