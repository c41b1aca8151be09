/*
 * trygg — the public statistics page (/stats): observations per period against the
 * same period a year earlier, per area and per category, the hot spots and the case
 * handling per unit. Every chart has its table and its CSV. Talks to the server only
 * through the statistics API; small counts arrive suppressed (null) and are shown as
 * "fewer than N".
 */
import { $, el, getJSON, loadCategories, categories, categoryName } from "./common.js";
import { t, apply, locale, useTexts, languageButton } from "./i18n.js";
import texts from "./texts-stats.js";
import { chartCard } from "./charts.js";

useTexts(texts);

let areas = [];
let cards = [];

function areaName(code) {
  if (!code) return t("outside");
  const a = areas.find((x) => x.code === code);
  return a ? a.name : code;
}

function fmt(n, below) {
  if (n === null || n === undefined) return "<" + below;
  return n.toLocaleString(locale());
}

function query() {
  const p = new URLSearchParams();
  p.set("period", $("f-period").value);
  if ($("f-area").value) p.set("area", $("f-area").value);
  if ($("f-category").value) p.set("category", $("f-category").value);
  if ($("f-from").value) p.set("from", $("f-from").value);
  if ($("f-to").value) p.set("to", $("f-to").value);
  return p;
}

function fillForm() {
  const period = $("f-period"), chosen = period.value || "year";
  period.textContent = "";
  ["year", "quarter", "month", "week"].forEach((g) => period.appendChild(el("option", { value: g, text: t(g), selected: g === chosen })));
  const area = $("f-area"), a0 = area.value;
  area.textContent = "";
  area.appendChild(el("option", { value: "", text: t("all") }));
  areas.forEach((a) => area.appendChild(el("option", { value: a.code, text: a.name, selected: a.code === a0 })));
  const cat = $("f-category"), c0 = cat.value;
  cat.textContent = "";
  cat.appendChild(el("option", { value: "", text: t("all") }));
  categories().forEach((c) => cat.appendChild(el("option", { value: c.code, text: categoryName(c.code), selected: c.code === c0 })));
}

function show() {
  const box = $("charts");
  const q = query();
  $("status").textContent = t("loading");
  const total = new URLSearchParams(q); total.set("by", "");
  const byArea = new URLSearchParams(q); byArea.set("by", "area");
  const byCat = new URLSearchParams(q); byCat.set("by", "category");
  const hot = new URLSearchParams(); if (q.get("category")) hot.set("category", q.get("category"));
  if (q.get("area")) hot.set("area", q.get("area"));
  const wf = new URLSearchParams(q); wf.delete("period"); wf.set("by", "unit");
  Promise.all([getJSON("/api/v1/stats?" + total), getJSON("/api/v1/stats?" + byArea), getJSON("/api/v1/stats?" + byCat),
    getJSON("/api/v1/stats/hotspots?" + hot), getJSON("/api/v1/stats/workflow?" + wf)]).then(([tot, ba, bc, hs, w]) => {
    box.textContent = "";
    cards = [];
    const below = tot.suppressed_below || 0;
    const last = tot.periods[tot.periods.length - 1];
    if (below) box.appendChild(el("p", { className: "hint", text: t("suppressed_note", { n: below }) }));
    // per period
    const rowsOf = (b) => { const m = {}; b.rows.forEach((r) => { m[r.period] = r; }); return m; };
    const per = rowsOf(tot);
    addCard(box, {
      title: t("per_period"), labels: tot.periods,
      series: [{ name: t("now"), values: tot.periods.map((p) => (per[p] ? per[p].count : 0)) },
        { name: t("previous"), values: tot.periods.map((p) => (per[p] ? per[p].previous_count : 0)) }],
      columns: [t("col_period"), t("col_count"), t("col_previous")],
      rows: tot.periods.map((p) => [p, fmt(per[p] ? per[p].count : 0, below), fmt(per[p] ? per[p].previous_count : 0, below)]),
      csvHref: "/api/v1/stats.csv?" + total,
    });
    // per area and per category in the last period
    [[ba, "area", areaName, "per_area", "col_area"], [bc, "category", categoryName, "per_category", "col_category"]].forEach(([b, dim, name, title, col]) => {
      const rows = b.rows.filter((r) => r.period === last);
      addCard(box, {
        title: t(title, { period: last }), labels: rows.map((r) => name(r[dim])),
        series: [{ name: t("now"), values: rows.map((r) => r.count) }, { name: t("previous"), values: rows.map((r) => r.previous_count) }],
        columns: [t(col), t("col_count"), t("col_previous")],
        rows: rows.map((r) => [name(r[dim]), fmt(r.count, below), fmt(r.previous_count, below)]),
        csvHref: "/api/v1/stats.csv?" + new URLSearchParams({ by: dim, period: q.get("period"), from: last, to: last }),
      });
    });
    // hot spots
    const hsBox = el("section", { className: "chart-card" }, [el("h2", { text: t("hotspots", { m: hs.cell_m }) })]);
    if (!hs.features.length) hsBox.appendChild(el("p", { text: t("no_hotspots") }));
    else hsBox.appendChild(el("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-label": t("hotspots", { m: hs.cell_m }) }, [el("table", { className: "chart-table" }, [
      el("thead", {}, [el("tr", {}, [t("col_cell"), t("col_area"), t("col_count"), t("col_trend")].map((c, i) => el("th", { scope: "col", className: i > 1 ? "num" : "", text: c })))]),
      el("tbody", {}, hs.features.slice(0, 10).map((f) => {
        const p = f.properties;
        return el("tr", {}, [el("th", { scope: "row", text: "#" + p.rank + " " + p.cell }), el("td", { text: areaName(p.area) }),
          el("td", { className: "num", text: fmt(p.count, below) }),
          el("td", { className: "num", text: p.trend.map((x) => fmt(x, below)).join(" → ") + (p.emerging ? " (" + t("emerging") + ")" : "") })]);
      }))])]));
    box.appendChild(hsBox);
    // case handling
    const days = (h) => (h === null || h === undefined ? "–" : (h / 24).toLocaleString(locale(), { maximumFractionDigits: 1 }));
    const share = (s) => (s === null || s === undefined ? "–" : Math.round(s * 100) + " %");
    box.appendChild(el("section", { className: "chart-card" }, [el("h2", { text: t("workflow") }), el("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-label": t("workflow") }, [
      el("table", { className: "chart-table" }, [
        el("thead", {}, [el("tr", {}, [t("col_unit"), t("col_opened"), t("col_resolved"), t("col_backlog"), t("col_median"), t("col_p90"), t("col_within")]
          .map((c, i) => el("th", { scope: "col", className: i ? "num" : "", text: c })))]),
        el("tbody", {}, w.rows.map((r) => el("tr", {}, [el("th", { scope: "row", text: r.unit_name || t("unrouted") }),
          el("td", { className: "num", text: fmt(r.opened, below) }), el("td", { className: "num", text: fmt(r.resolved, below) }),
          el("td", { className: "num", text: fmt(r.backlog, below) }), el("td", { className: "num", text: days(r.median_hours) }),
          el("td", { className: "num", text: days(r.p90_hours) }), el("td", { className: "num", text: share(r.resolved_within_due) })])))])])]));
    $("status").textContent = "";
  }).catch((e) => { $("status").textContent = t("failed", { msg: e.message }); });
}

function addCard(box, opts) {
  opts.tableText = t("show_table");
  opts.csvText = t("csv");
  opts.chartLabel = t("chart_label", { title: opts.title });
  const card = chartCard(opts);
  box.appendChild(card);
  card.draw();
  cards.push(card);
}

languageButton($("lang"), () => { fillForm(); show(); });
window.addEventListener("resize", () => cards.forEach((c) => c.draw()));
$("filters").addEventListener("submit", (ev) => { ev.preventDefault(); show(); });
apply();
Promise.all([loadCategories(), getJSON("/api/v1/areas")]).then(([, fc]) => {
  areas = fc.features.map((f) => f.properties);
  fillForm();
  show();
}).catch((e) => { $("status").textContent = t("failed", { msg: e.message }); });
