/*
 * trygg — the public walk pages: /walks (the upcoming public safety walks,
 * the calendar feed to subscribe to, and the walks already done) and
 * /walks/{code} (one walk: its facts, its map, and what it led to — the
 * points raised and what became of them; no personal data). Talks to the
 * server only through the public JSON API.
 */
import { $, el, getJSON, loadCategories, categoryName, loadConfig } from "./common.js";
import { t, apply, locale, useTexts, languageButton } from "./i18n.js";
import texts from "./texts-public.js";
import { drawWalk, fit, observationMarker } from "./walkmap.js";

useTexts(texts);

var main = $("main");
var config = null;

function fmtWhen(a, b) {
  if (!a) return "";
  var s = new Date(a);
  var out = s.toLocaleDateString(locale(), { weekday: "long", day: "numeric", month: "long", year: "numeric" }) + " " +
    s.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
  if (b) out += "–" + new Date(b).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
  return out;
}

function walkList(b) { return Array.isArray(b) ? b : (b && b.walks) || []; }

function codeFromPath() {
  var m = location.pathname.match(/^\/walks\/([A-Za-z0-9_-]{1,32})\/?$/);
  return m ? decodeURIComponent(m[1]) : null;
}

function stateText(w) { return w.state ? t("walk_state_" + w.state + "_short") : ""; }

/* ---- /walks ----------------------------------------------------------------------- */

function walkCard(w, headingLevel) {
  var href = "/walks/" + encodeURIComponent(w.code);
  var facts = [fmtWhen(w.starts_at, w.ends_at), w.area ? w.area.name : null,
    w.meeting_text ? t("walk_meeting_point") + ": " + w.meeting_text : null].filter(Boolean);
  return el("li", { className: "walk-card" + (w.state === "cancelled" ? " cancelled" : "") }, [
    el(headingLevel, {}, [el("a", { href: href, text: w.title })]),
    w.state === "cancelled" || w.state === "ongoing" ? el("p", { className: "badge", text: stateText(w) }) : null,
    el("p", { text: facts.join(" · ") })]);
}

function showList() {
  document.title = (t("walks_title") + " – " + t("app_title")).replace(/\u00AD/g, ""); /* no soft hyphens in a title */
  main.textContent = "";
  main.appendChild(el("h1", { text: t("walks_title") }));
  main.appendChild(el("p", { text: t("walks_intro") }));
  main.appendChild(el("p", {}, [el("a", { href: "/walks.ics", className: "button-link", text: t("walks_subscribe") })]));
  main.appendChild(el("p", { className: "hint", text: t("walks_subscribe_hint") }));
  var upcoming = el("section", { "aria-labelledby": "h-upcoming" }, [el("h2", { id: "h-upcoming", text: t("walks_upcoming") })]);
  var past = el("section", { "aria-labelledby": "h-past" }, [el("h2", { id: "h-past", text: t("walks_past") })]);
  var status = el("p", { className: "status", role: "status" });
  main.appendChild(status);
  main.appendChild(upcoming);
  main.appendChild(past);
  var now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  getJSON("/api/v1/walks").then(function (b) {
    // Public walks only, even for a visitor who is logged in to the staff app in the same browser.
    var all = walkList(b).filter(function (w) { return w.public !== false && w.code; });
    var soon = all.filter(function (w) { return (w.ends_at || w.starts_at) >= now && w.state !== "done"; })
      .sort(function (a, c) { return a.starts_at < c.starts_at ? -1 : 1; });
    var done = all.filter(function (w) { return soon.indexOf(w) < 0 && w.state !== "cancelled"; })
      .sort(function (a, c) { return a.starts_at < c.starts_at ? 1 : -1; });
    upcoming.appendChild(soon.length ? el("ul", { className: "walk-cards" }, soon.map(function (w) { return walkCard(w, "h3"); }))
      : el("p", { text: t("walks_none_upcoming") }));
    past.appendChild(done.length ? el("ul", { className: "walk-cards" }, done.map(function (w) { return walkCard(w, "h3"); }))
      : el("p", { text: t("walks_none_past") }));
  }).catch(function (e) { status.textContent = t("error_generic", { msg: e.message }); });
}

/* ---- /walks/{code} --------------------------------------------------------------------- */

function mapLabels() {
  return {
    meeting: function (w) { return t("walk_meeting_point") + (w.meeting_text ? ": " + w.meeting_text : ""); },
    stop: function (s, i) { return t("walk_stop_n", { n: i + 1 }) + (s.note ? ": " + s.note : ""); },
    checklist: function (c) { return t("walk_check_n", { n: c.number }) + ": " + categoryName(c.category); },
    group: function (g) { return g.name; }
  };
}

/* The walk's bounding box "minlon,minlat,maxlon,maxlat" from its drawn shapes (or the municipality's). */
function bboxOf(bounds) {
  if (bounds && bounds.isValid()) {
    var b = bounds.pad(0.2);
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(",");
  }
  var mb = config && config.municipality && config.municipality.bbox;
  return mb ? mb.join(",") : null;
}

/*
 * What the walk led to. Once the protocol is published, the public view
 * carries its items with the responsible parties' answers. Before that, the
 * walk's public observations stand in: those filed with the walk's code,
 * found in the walk's part of the map from a week before the walk on.
 */
function loadOutcome(w, bounds) {
  if (w.protocol_published_at && Array.isArray(w.items)) return Promise.resolve(w.items.map(function (it) {
    return { number: it.number, category: it.category, description: it.description, lon: it.lon, lat: it.lat,
      state: it.state, answer: it.answer || null, action: it.action || null, comments: [] };
  }));
  var bbox = bboxOf(bounds);
  // From a week before the walk (people open the link early), or yesterday for a walk still to come.
  var from = Math.min(new Date(w.starts_at).getTime() - 7 * 864e5, Date.now() - 864e5);
  var since = new Date(from).toISOString().replace(/\.\d{3}Z$/, "Z");
  var q = "/api/v1/observations?limit=1000&since=" + encodeURIComponent(since) + (bbox ? "&bbox=" + bbox : "");
  return getJSON(q).then(function (fc) {
    var mine = fc.features.filter(function (f) { return String(f.properties.walk || "").toUpperCase() === w.code.toUpperCase(); });
    mine.sort(function (a, b) { return a.properties.observed_at < b.properties.observed_at ? -1 : 1; });
    return mine.map(function (f, i) {
      var p = f.properties;
      return { number: i + 1, category: p.category, description: p.description, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
        state: p.status, answer: null, action: null, comments: p.public_comments || [] };
    });
  });
}

function answerText(a) {
  if (!a) return null;
  var s = t("ans_" + a.answer);
  if (a.answer === "will_do" && a.by) s += " " + t("by_date", { d: new Date(a.by + "T12:00:00").toLocaleDateString(locale()) });
  if (a.answer === "wont_do" && a.reason) s += ": " + a.reason;
  if (a.answer === "not_ours" && a.passed_to) s += " → " + a.passed_to;
  if (a.comment) s += " (" + a.comment + ")";
  return s;
}

function showWalk(code) {
  main.textContent = "";
  var status = el("p", { className: "status", role: "status", text: t("loading") });
  main.appendChild(status);
  getJSON("/api/v1/walks/" + encodeURIComponent(code)).then(function (w) {
    document.title = w.title + " – " + t("app_title");
    main.textContent = "";
    main.appendChild(el("p", {}, [el("a", { href: "/walks", text: "← " + t("walks_all") })]));
    main.appendChild(el("h1", { text: w.title }));
    var facts = el("dl", { className: "walk-facts" });
    [[t("walk_when"), fmtWhen(w.starts_at, w.ends_at)], [t("walk_area"), w.area ? w.area.name : null],
     [t("walk_meeting_point"), w.meeting_text || null], [t("walk_state_label"), stateText(w)],
     [t("walk_groups"), (w.groups || []).map(function (g) { return g.name; }).join(", ") || null]].forEach(function (p) {
      if (!p[1]) return;
      facts.appendChild(el("dt", { text: p[0] }));
      facts.appendChild(el("dd", { text: p[1] }));
    });
    main.appendChild(facts);
    if (w.state === "planned" || w.state === "ongoing") {
      main.appendChild(el("p", {}, [el("a", { href: "/w/" + encodeURIComponent(w.code), className: "button-link", text: t("walk_join_link") })]));
    }
    var mapDiv = el("div", { className: "walk-map public-walk-map", role: "region", "aria-label": t("walk_map_label") });
    main.appendChild(mapDiv);
    main.appendChild(el("p", { className: "hint", text: t("walk_map_legend") }));
    var stops = w.stops || [];
    if (stops.length) {
      main.appendChild(el("h2", { text: t("walk_stops", { n: stops.length }) }));
      main.appendChild(el("ol", {}, stops.map(function (s) { return el("li", { text: s.note || t("walk_stop_no_note") }); })));
    }
    var outcome = el("section", { "aria-labelledby": "h-outcome" }, [el("h2", { id: "h-outcome", text: t("walk_outcome") }),
      el("p", { text: t("walk_outcome_intro") })]);
    main.appendChild(outcome);
    if (w.checklist && w.checklist.length) {
      main.appendChild(el("section", { "aria-labelledby": "h-earlier" }, [el("h2", { id: "h-earlier", text: t("walk_checklist", { n: w.checklist.length }) }),
        el("ol", {}, w.checklist.map(function (c) {
          return el("li", { value: String(c.number) }, [el("strong", { text: categoryName(c.category) }),
            (c.description ? " — " + c.description : "") + (c.state ? " (" + t("status_" + c.state) + ")" : "")]);
        }))]));
    }
    var map = L.map(mapDiv, { keyboard: true });
    if (config && config.tiles && config.tiles.url) L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
    var drawn = drawWalk(map, w, { labels: mapLabels() });
    fit(map, drawn.bounds);
    loadOutcome(w, drawn.bounds).then(function (items) {
      if (!items.length) { outcome.appendChild(el("p", { text: t("walk_outcome_none") })); return; }
      var tbody = el("tbody");
      items.forEach(function (it) {
        observationMarker(it, t("walk_item_n", { n: it.number }) + ": " + categoryName(it.category)).addTo(map);
        var ans = answerText(it.answer);
        var said = [it.action ? t("walk_action") + ": " + it.action : null, ans]
          .concat((it.comments || []).map(function (c) { return c.comment; })).filter(Boolean).join(" · ");
        tbody.appendChild(el("tr", {}, [el("td", { text: String(it.number) }), el("td", { text: categoryName(it.category) }),
          el("td", { text: it.description || "–" }), el("td", { text: it.state ? t("status_" + it.state) : "–" }),
          el("td", { text: said || "–" })]));
      });
      // A wide table scrolls sideways on a phone: the scrolling box takes the keyboard focus.
      outcome.appendChild(el("div", { className: "table-wrap", tabindex: "0", role: "region", "aria-label": t("walk_outcome") }, [el("table", { className: "outcome" }, [
        el("caption", { className: "visually-hidden", text: t("walk_outcome") }),
        el("thead", {}, [el("tr", {}, [t("walk_col_no"), t("filter_category"), t("description"), t("filter_status"), t("walk_col_answer")]
          .map(function (c) { return el("th", { scope: "col", text: c }); }))]), tbody])]));
    }).catch(function (e) { outcome.appendChild(el("p", { text: t("error_generic", { msg: e.message }) })); });
  }).catch(function (e) {
    main.textContent = "";
    if (e.status === 404) {
      document.title = t("unknown_walk_title", { code: code }) + " – " + t("app_title");
      main.appendChild(el("h1", { text: t("unknown_walk_title", { code: code.toUpperCase() }) }));
      main.appendChild(el("p", {}, [el("a", { href: "/walks", text: t("walks_all") })]));
    } else {
      main.appendChild(el("h1", { text: t("walks_title") }));
      main.appendChild(el("p", { role: "alert", text: t("error_generic", { msg: e.message }) }));
    }
  });
}

function draw() {
  apply();
  var code = codeFromPath();
  if (code) showWalk(code); else showList();
}

languageButton($("lang"), draw);
Promise.all([loadCategories().catch(function () { return []; }),
  loadConfig().then(function (c) { config = c; }).catch(function () { config = null; })]).then(draw);
