/*
 * trygg — one chart with its table and its CSV download, for the statistics page
 * and the staff situation view. The chart is drawn by uPlot (vendored from npm,
 * pinned in web/package.json) in the page's own colours, so it reads in the light
 * and the dark scheme; the same figures are always in a real table next to it
 * (what a screen reader and a spreadsheet user get), and the CSV comes from the
 * server. Holds no state of any page.
 */
import uPlot from "/vendor/uplot/uPlot.esm.js";
import { el } from "./common.js";

/* The value of a CSS custom property of the page (the colour scheme decides it). */
function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/* The second series' colour: --chart-2 of the theme (also .key-1 in stats.css). */
const SECOND = () => cssVar("--chart-2", "#b35900");

/*
 * A card: heading, chart, legend, "show as table" and CSV link, and the table.
 * opts: {title, labels: [x labels], series: [{name, values: [number|null]}],
 * columns: [head texts], rows: [[cells]] (numbers are right-aligned), csvHref,
 * csvText, tableText, chartLabel}. Returns the element; the chart is drawn once
 * the element is in the page (call .draw()).
 */
export function chartCard(opts) {
  const plot = el("div", { className: "chart-plot", role: "img", "aria-label": opts.chartLabel || opts.title });
  const legend = el("ul", { className: "chart-legend" }, opts.series.map((s, i) =>
    el("li", {}, [el("span", { className: "key key-" + (i ? 1 : 0) }), s.name])));
  const table = el("table", { className: "chart-table" }, [
    el("caption", { className: "visually-hidden", text: opts.title }),
    el("thead", {}, [el("tr", {}, opts.columns.map((c, i) => el("th", { scope: "col", className: i ? "num" : "", text: c })))]),
    el("tbody", {}, opts.rows.map((r) => el("tr", {}, r.map((c, i) =>
      el(i ? "td" : "th", i ? { className: typeof c === "number" || /^[<\d–-]/.test(String(c)) ? "num" : "", text: String(c) }
        : { scope: "row", text: String(c) })))))]);
  const details = el("details", { className: "table-details" }, [el("summary", { text: opts.tableText }), el("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-label": opts.title }, [table])]);
  const actions = el("div", { className: "chart-actions" }, [opts.csvHref ? el("a", { href: opts.csvHref, download: "", text: opts.csvText }) : null]);
  const card = el("section", { className: "chart-card" }, [el("h2", { text: opts.title }), plot, legend, actions, details]);
  let u = null;
  card.draw = function () {
    if (u) u.destroy();
    const ink = cssVar("--ink", "#111"), grid = cssVar("--line", "#6b6b6b");
    const xs = opts.labels.map((_, i) => i);
    const width = Math.max(240, plot.clientWidth || 320);
    const n = opts.series.length;
    u = new uPlot({
      width, height: 220, legend: { show: false }, cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, xs.length - 0.5)] }, y: { range: (self, lo, hi) => [0, Math.max(1, hi * 1.1)] } },
      axes: [
        { stroke: ink, grid: { show: false }, ticks: { stroke: grid }, values: (self, splits) => splits.map((i) => opts.labels[i] !== undefined && Number.isInteger(i) ? opts.labels[i] : ""), size: 40 },
        { stroke: ink, grid: { stroke: grid, width: 0.5 }, ticks: { stroke: grid } },
      ],
      series: [{}].concat(opts.series.map((s, i) => ({
        label: s.name, stroke: i ? SECOND() : cssVar("--brand", "#0b3d5c"), fill: i ? SECOND() : cssVar("--brand", "#0b3d5c"), width: 1,
        paths: uPlot.paths.bars({ size: [0.8 / n, 40], align: n === 1 ? 0 : (i === 0 ? -1 : 1) }), points: { show: false },
      }))),
    }, [xs].concat(opts.series.map((s) => s.values)), plot);
  };
  /* The canvas holds colours, not custom properties: draw again in the new theme (static/theme.js). */
  const onTheme = () => { if (!card.isConnected) document.removeEventListener("trygg:theme", onTheme); else if (u) card.draw(); };
  document.addEventListener("trygg:theme", onTheme);
  return card;
}
