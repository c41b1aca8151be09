/*
 * trygg staff app: triage queue with list and map, case page with history,
 * duplicates and actions, and the admin pages. Talks to the server only
 * through the JSON API; every write carries the session's X-CSRF-Token.
 */
import { el, api, setCsrfToken, onUnauthorized, loadCategories, categories, categoryName } from "./common.js";
import { t, apply, locale, useTexts, languageButton } from "./i18n.js";
import texts from "./texts-staff.js";
import { colour } from "./icons.js";
import * as walks from "./staff-walks.js";
import { showSituation } from "./staff-situation.js";

useTexts(texts);

var STATES = ["new", "acknowledged", "assigned", "in_progress", "resolved", "rejected", "duplicate"];
var ctx = { me: null, units: [], areas: null };
/* Cases on one page of the queue: the app's choice, well under the server's page_size_max. */
var QUEUE_PAGE_SIZE = 25;
/*
 * The server's USERS_PASSWORD_MIN_CHARS (server/users.h), repeated here only
 * because GET /api/v1/config does not tell it yet; the server checks it anyway.
 */
var PASSWORD_MIN_CHARS = 8;
var main = document.getElementById("main");

function field(label, control) {
  var id = control.id || ("f" + Math.random().toString(36).slice(2));
  control.id = id;
  return el("div", { className: "field" }, [el("label", { for: id, text: label }), control]);
}
function select(name, options, value) {
  var s = el("select", { name: name });
  options.forEach(function (o) {
    var opt = el("option", { value: o[0], text: o[1] });
    if (String(o[0]) === String(value === undefined ? "" : value)) opt.selected = true;
    s.appendChild(opt);
  });
  return s;
}
function announce(msg) { var a = document.getElementById("announce"); a.textContent = ""; setTimeout(function () { a.textContent = msg; }, 50); }
function fmt(ts) {
  if (!ts) return t("none");
  return new Date(ts).toLocaleString(locale(), { dateStyle: "short", timeStyle: "short" });
}

function fmtDate(ts) {
  if (!ts) return t("none");
  return new Date(ts).toLocaleDateString(locale(), { day: "numeric", month: "short" });
}

function errorBox() { return el("p", { className: "error", role: "alert" }); }
/*
 * An API error in the page's language: the stable code's own text when there is
 * one (err_<code>, with the field named), else the server's English message.
 */
function errorText(e) {
  var key = e && e.code ? "err_" + e.code : null;
  var fieldKey = e && e.field ? "field_" + e.field : "err_field";
  var fieldName = t(fieldKey) === fieldKey ? e.field : t(fieldKey);
  var own = key ? t(key, { field: fieldName }) : key;
  if (own && own !== key) return t("error", { msg: own });
  if (e && e.status === undefined) return t("error", { msg: t("err_network") });
  return t("error", { msg: e.message });
}
function showError(box, e) { box.textContent = errorText(e); }

/* ---- shell ---------------------------------------------------------------- */

/* The page's fixed texts in the current language, and the menu the user's role may see. */
function applyShell() {
  apply();
  var nav = document.getElementById("nav");
  nav.hidden = !ctx.me;
  nav.querySelectorAll("[data-role]").forEach(function (a) {
    a.hidden = !ctx.me || a.dataset.role.split(" ").indexOf(ctx.me.role) < 0;
  });
}

function showLogin() {
  applyShell();
  main.textContent = "";
  var user = el("input", { name: "username", autocomplete: "username", required: true });
  var pass = el("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  var err = errorBox();
  var form = el("form", { className: "login", onsubmit: function (ev) {
    ev.preventDefault();
    err.textContent = "";
    api("POST", "/api/v1/auth/login", { username: user.value, password: pass.value }).then(function (b) {
      ctx.me = b.user; setCsrfToken(b.csrf_token);
      return loadReference();
    }).then(function () { if (!location.hash || location.hash === "#/login") location.hash = home(); else route(); })
      .catch(function (e) { err.textContent = e.status === 429 ? t("login_throttled") : t("login_failed"); pass.value = ""; pass.focus(); });
  } }, [field(t("username"), user), field(t("password"), pass), err,
    el("button", { type: "submit", className: "primary", text: t("login") })]);
  main.appendChild(el("h1", { text: t("login_title") }));
  main.appendChild(form);
  document.title = t("login_title") + " – Trygg";
}

function loadReference() {
  return Promise.all([
    loadCategories(),
    api("GET", "/api/v1/units").then(function (b) { ctx.units = b.units; }),
    api("GET", "/api/v1/areas").then(function (b) { ctx.areas = b; })
  ]);
}

function unitOptions(withAll) {
  var o = withAll ? [["", t("all")], ["none", t("unrouted")]] : [];
  return o.concat(ctx.units.map(function (u) { return [u.id, u.name]; }));
}
function stateBadge(s) { return el("span", { className: "state", text: t("st_" + s) }); }

function baseMap(div, opts) {
  var map = L.map(div, opts || {});
  var b = ctx.areas && ctx.areas.features.length ? L.geoJSON(ctx.areas).getBounds() : null;
  if (b) map.fitBounds(b); else map.setView([57.721, 12.94], 12);
  if (ctx.areas) L.geoJSON(ctx.areas, { interactive: false, style: function () { return { color: "#0b3d5c", weight: 1, fill: false, dashArray: "4 4" }; } }).addTo(map);
  return map;
}

/* ---- queue ------------------------------------------------------------------ */

function queueParams() {
  var q = new URLSearchParams(location.hash.split("?")[1] || "");
  if (!q.has("state") && !q.has("_")) q.set("state", "new,acknowledged,assigned,in_progress");
  return q;
}

/* The cursors of the queue pages before this one, for "previous" (see renderQueueTable). */
var queueTrail = [];

function showQueue() {
  var q = queueParams();
  main.textContent = "";
  document.title = t("queue_title") + " – Trygg";
  main.appendChild(el("h1", { text: t("queue_title") }));
  var stateSel = select("state", [["", t("all")], ["new,acknowledged,assigned,in_progress", t("open")]].concat(
    STATES.map(function (s) { return [s, t("st_" + s)]; })), q.get("state") || "");
  var unitSel = select("unit", unitOptions(true), q.get("unit") || "");
  var catSel = select("category", [["", t("all")]].concat(categories().map(function (c) { return [c.code, categoryName(c.code)]; })), q.get("category") || "");
  var areaSel = select("area", [["", t("all")]].concat((ctx.areas ? ctx.areas.features : []).map(function (f) { return [f.properties.code, f.properties.name]; })), q.get("area") || "");
  var prioSel = select("priority", [["", t("all")], ["1", t("p1")], ["2", t("p2")], ["3", t("p3")]], q.get("priority") || "");
  var overdue = el("input", { type: "checkbox", name: "overdue", id: "f-overdue" });
  overdue.checked = q.get("overdue") === "1";
  var walk = el("input", { name: "walk", value: q.get("walk") || "" });
  var text = el("input", { name: "q", type: "search", value: q.get("q") || "" });
  var sortSel = select("sort", [["-created", t("newest")], ["created", t("oldest")], ["priority", t("by_priority")], ["due", t("by_due")]], q.get("sort") || "-created");
  var filterForm = el("form", { className: "filter-bar", onsubmit: function (ev) {
    ev.preventDefault();
    var p = new URLSearchParams();
    p.set("_", "1");
    [stateSel, unitSel, catSel, areaSel, prioSel, walk, text, sortSel].forEach(function (c) { if (c.value) p.set(c.name, c.value); });
    if (overdue.checked) p.set("overdue", "1");
    queueTrail = []; // new filters: page one
    location.hash = "#/queue?" + p.toString();
  } }, [field(t("state"), stateSel), field(t("unit"), unitSel), field(t("category"), catSel), field(t("area"), areaSel),
    field(t("priority"), prioSel), el("div", { className: "field toggle" }, [overdue, el("label", { for: "f-overdue", text: t("overdue_only") })]),
    field(t("walk"), walk), field(t("search"), text), field(t("sort"), sortSel),
    el("button", { type: "submit", className: "secondary", text: t("filter") })]);
  main.appendChild(el("section", { "aria-label": t("filter") }, [filterForm]));

  var err = errorBox();
  var tableBox = el("div", { className: "table-wrap" });
  var mapDiv = el("div", { className: "queue-map", role: "region", "aria-label": t("map_label") });
  main.appendChild(err);
  main.appendChild(el("div", { className: "staff-grid" }, [tableBox, mapDiv]));
  var map = baseMap(mapDiv);
  var markers = L.layerGroup().addTo(map);

  var api_q = new URLSearchParams(q.toString());
  api_q.delete("_");
  if (!api_q.has("limit")) api_q.set("limit", String(QUEUE_PAGE_SIZE));
  api("GET", "/api/v1/cases?" + api_q.toString()).then(function (body) {
    renderQueueTable(tableBox, body, q, err);
    body.cases.forEach(function (c) {
      var m = L.circleMarker([c.lat, c.lon], { radius: 8, color: "#111", weight: 2, fillColor: colour(c.category), fillOpacity: 0.9 });
      m.bindTooltip("#" + c.id + " " + categoryName(c.category));
      m.on("click", function () { location.hash = "#/case/" + c.id; });
      markers.addLayer(m);
    });
  }).catch(function (e) { showError(err, e); });
}

function renderQueueTable(box, body, q, err) {
  box.textContent = "";
  box.appendChild(el("p", { text: t("total", { n: body.total_capped ? body.total + "+" : body.total }) }));
  if (!body.cases.length) { box.appendChild(el("p", { text: t("no_cases") })); return; }
  var canBulk = ctx.me.role === "admin" || ctx.me.role === "triage";
  var checks = [];
  if (canBulk) {
    var unitSel = select("bulk-unit", unitOptions(false));
    box.appendChild(el("div", { className: "bulk" }, [
      el("button", { type: "button", className: "secondary", text: t("bulk_ack"), onclick: function () { bulk("acknowledge"); } }),
      field(t("bulk_unit"), unitSel),
      el("button", { type: "button", className: "secondary", text: t("bulk_assign"), onclick: function () { bulk("assign", Number(unitSel.value)); } })
    ]));
  }
  function bulk(action, unit) {
    var ids = checks.filter(function (c) { return c.checked; }).map(function (c) { return Number(c.value); });
    if (!ids.length) return;
    api("POST", "/api/v1/cases/bulk", { ids: ids, action: action, unit_id: unit }).then(function () {
      announce(t("saved")); showQueue();
    }).catch(function (e) { showError(err, e); });
  }
  var all = el("input", { type: "checkbox", "aria-label": t("select_all"), onchange: function () { checks.forEach(function (c) { c.checked = all.checked; }); } });
  var hit = function (input) { return el("label", { className: "hit" }, [input]); };
  var head = el("tr", {}, [canBulk ? el("th", { className: "check", scope: "col" }, [hit(all)]) : null,
    el("th", { scope: "col", text: t("col_id") }), el("th", { scope: "col", text: t("col_category") }),
    el("th", { scope: "col", text: t("col_state") }), el("th", { scope: "col", text: t("col_priority") }),
    el("th", { scope: "col", text: t("col_unit") }), el("th", { scope: "col", text: t("col_area") }),
    el("th", { scope: "col", text: t("col_unsafe") }), el("th", { scope: "col", text: t("light") }), el("th", { scope: "col", text: t("walk") }),
    el("th", { scope: "col", text: t("col_created") }), el("th", { scope: "col", text: t("col_due") })]);
  var tbody = el("tbody");
  body.cases.forEach(function (c) {
    var cb = el("input", { type: "checkbox", value: String(c.id), "aria-label": t("select_case", { id: c.id }) });
    checks.push(cb);
    tbody.appendChild(el("tr", {}, [canBulk ? el("td", { className: "check" }, [hit(cb)]) : null,
      el("td", {}, [el("a", { href: "#/case/" + c.id, text: "#" + c.id })]),
      el("td", { text: categoryName(c.category) + (c.description ? " – " + c.description.slice(0, 60) : "") }),
      el("td", {}, [stateBadge(c.state)]),
      el("td", { text: String(c.priority) }),
      el("td", { text: c.unit ? c.unit.name : t("unrouted") }),
      el("td", { text: c.area ? c.area.name : t("none") }),
      el("td", { text: c.unsafe_rating ? String(c.unsafe_rating) : "–" }),
      el("td", { text: c.light ? t("light_" + c.light) : "–" }),
      el("td", { text: c.walk || "–" }),
      el("td", { className: "when", text: fmtDate(c.created_at) }),
      el("td", { className: "when" + (c.overdue ? " overdue" : "") }, [c.overdue ? "⚠ " + t("overdue") + " " : "", fmtDate(c.due_at)])]));
  });
  box.appendChild(el("table", { className: "cases" }, [el("thead", {}, [head]), tbody]));
  // Keyset paging: "next" is an opaque cursor; "previous" returns to the cursor this page
  // was reached from (queueTrail), or to the first page after a reload.
  var cursor = q.get("cursor") || "";
  var pager = el("nav", { className: "pager", "aria-label": t("queue_title") });
  function go(c) { var p = new URLSearchParams(q.toString()); p.set("_", "1"); if (c) p.set("cursor", c); else p.delete("cursor"); location.hash = "#/queue?" + p.toString(); }
  if (cursor) pager.appendChild(el("button", { type: "button", className: "secondary", text: t("prev"), onclick: function () { go(queueTrail.length ? queueTrail.pop() : ""); } }));
  if (body.next) pager.appendChild(el("button", { type: "button", className: "secondary", text: t("next"), onclick: function () { queueTrail.push(cursor); go(body.next); } }));
  box.appendChild(pager);
}

/* ---- one case ---------------------------------------------------------------- */

function showCase(id) {
  main.textContent = "";
  var err = errorBox();
  api("GET", "/api/v1/cases/" + id).then(function (c) { renderCase(c, err); })
    .catch(function (e) { main.appendChild(err); showError(err, e); });
}

function dl(pairs) {
  var d = el("dl", { className: "facts" });
  pairs.forEach(function (p) { if (p) { d.appendChild(el("dt", { text: p[0] })); d.appendChild(el("dd", {}, [p[1]])); } });
  return d;
}

/* The unsafe rating 1–5 as text. */
function ratingText(r) { return r ? t("rating_of", { n: r }) : t("none"); }
/* Area and SWEREF 99 TM (from the public observation), for finding the place in the municipality's GIS. */
function positionText(c, o) {
  var sw = o && o.sweref99tm;
  return (c.area ? c.area.name : t("none")) + (sw ? " · SWEREF 99 TM N " + Math.round(sw.n) + ", E " + Math.round(sw.e) : "");
}

/*
 * Draws case c. after: {form: the action form's key, message: the confirmation}
 * redraws in place after an action: the scroll position stays, the confirmation
 * shows next to the control that made it, and focus returns there.
 */
function renderCase(c, err, after) {
  var o = c.observation || {};
  var scrollY = window.scrollY;
  main.textContent = "";
  document.title = t("case_title", { id: c.id, cat: categoryName(c.category) }) + " – Trygg";
  main.appendChild(el("p", {}, [el("a", { href: "#/queue", text: "← " + t("back") })]));
  main.appendChild(el("h1", { text: t("case_title", { id: c.id, cat: categoryName(c.category) }) }));
  main.appendChild(err);
  var info = el("section", { "aria-label": t("case_title", { id: c.id, cat: "" }) }, [dl([
    [t("state"), stateBadge(c.state)],
    c.duplicate_of ? [t("duplicate_of", { id: c.duplicate_of }), el("a", { href: "#/case/" + c.duplicate_of, text: "#" + c.duplicate_of })] : null,
    [t("priority"), document.createTextNode(String(c.priority))],
    [t("col_due"), el("span", { className: c.overdue ? "overdue" : "", text: (c.overdue ? "⚠ " + t("overdue") + " " : "") + fmt(c.due_at) })],
    [t("unit"), document.createTextNode(c.unit ? c.unit.name : t("unrouted"))],
    [t("area"), document.createTextNode(c.area ? c.area.name : t("none"))],
    [t("observed"), document.createTextNode(fmt(c.observed_at))],
    [t("light"), document.createTextNode(c.light ? t("light_" + c.light) : t("none"))],
    [t("case_unsafe"), document.createTextNode(ratingText(c.unsafe_rating))],
    [t("case_position"), document.createTextNode(positionText(c, o))],
    [t("description"), document.createTextNode(c.description || t("none"))],
    [t("support"), document.createTextNode(String(c.support_count))],
    [t("walk"), document.createTextNode(c.walk || t("none"))],
    c.reporter ? [t("reporter"), document.createTextNode([c.reporter.name, c.reporter.email, c.reporter.phone].filter(Boolean).join(", ") +
      (c.reporter.follow_up ? " (" + t("reporter_follows") + ")" : ""))] : null,
    c.merged && c.merged.length ? [t("merged_note", { ids: "" }), document.createTextNode(c.merged.map(function (x) { return "#" + x; }).join(", "))] : null
  ])]);
  var photos = el("div", { className: "photos" });
  (o.photos || []).forEach(function (p, i) {
    photos.appendChild(el("a", { href: p.url }, [el("img", { src: p.thumb_url, alt: t("photo_alt", { n: i + 1, id: c.id }) })]));
  });
  var mapDiv = el("div", { className: "case-map", role: "region", "aria-label": t("map_label") });
  var left = el("div", {}, [info, (o.photos || []).length ? el("h2", { text: t("photos") }) : null, photos, mapDiv,
    el("h2", { text: t("duplicates") }), duplicatesList(c, err), el("h2", { text: t("history") }), historyList(c)]);
  var right = el("section", { className: "actions", "aria-label": t("actions") }, [el("h2", { text: t("actions") })].concat(actionForms(c, err)));
  main.appendChild(el("div", { className: "staff-grid" }, [left, right]));
  if (after) {
    window.scrollTo(0, scrollY);
    var box = main.querySelector("[data-form='" + after.form + "']");
    if (box) {
      var ok = box.querySelector(".msg-ok");
      if (ok) ok.textContent = after.message;
      var focus = box.querySelector("button, select, textarea");
      if (focus) focus.focus({ preventScroll: true });
    }
  }
  var map = L.map(mapDiv).setView([c.lat, c.lon], 17);
  L.circleMarker([c.lat, c.lon], { radius: 10, color: "#111", weight: 2, fillColor: colour(c.category), fillOpacity: 0.9 }).addTo(map);
}

function historyList(c) {
  var ul = el("ol", { className: "history" });
  c.history.forEach(function (e) {
    var what = t("ev_" + e.kind);
    if (e.from || e.to) {
      var isState = e.kind === "state" || e.kind === "created" || e.kind === "merged";
      var f = isState && e.from ? t("st_" + e.from) : (e.from || "");
      var to = isState && e.to ? t("st_" + e.to) : (e.to || "");
      what += ": " + (f ? f + " → " : "") + to;
    }
    ul.appendChild(el("li", { className: e.public ? "public" : "" }, [
      el("strong", { text: fmt(e.at) + " · " + (e.actor === "system" ? t("system") : e.actor) }), el("br"),
      what + (e.comment ? " — " + e.comment : "") + (e.public ? " (" + t("public") + ")" : "")]));
  });
  return ul;
}

function duplicatesList(c, err) {
  if (!c.duplicates || !c.duplicates.length) return el("p", { text: t("no_duplicates") });
  var ul = el("ul");
  var canMerge = (ctx.me.role === "admin" || ctx.me.role === "triage") && c.state !== "duplicate";
  c.duplicates.forEach(function (d) {
    var li = el("li", {}, [el("a", { href: "#/case/" + d.id, text: "#" + d.id }),
      " · " + d.distance_m + " m · " + t("st_" + d.state) + (d.description ? " — " + d.description : "") + " "]);
    if (canMerge) li.appendChild(el("button", { type: "button", className: "secondary", text: t("merge_into", { id: d.id }), onclick: function () {
      api("POST", "/api/v1/cases/" + c.id + "/merge", { into: d.id }).then(function (nc) { announce(t("saved")); renderCase(nc, err); })
        .catch(function (e) { showError(err, e); });
    } }));
    ul.appendChild(li);
  });
  return ul;
}

/* The confirmation and the error of one action, shown next to its control. */
function feedback() {
  return [el("p", { className: "msg-ok", role: "status", "aria-live": "polite" }), el("p", { className: "error", role: "alert" })];
}

function actionForms(c, err) {
  var forms = [];
  var triage = ctx.me.role === "admin" || ctx.me.role === "triage";
  /* What this session may do from here: computed by the workflow's transition table. */
  var allowed = c.allowed_transitions || [];
  function post(key, path, body, message) {
    var box = main.querySelector("[data-form='" + key + "']");
    var fb = box ? box.querySelector(".error") : err;
    var ok = box ? box.querySelector(".msg-ok") : null;
    fb.textContent = "";
    if (ok) ok.textContent = "";
    return api("POST", "/api/v1/cases/" + c.id + path, body).then(function (nc) {
      var msg = typeof message === "function" ? message(nc) : (message || t("saved"));
      announce(msg);
      renderCase(nc, err, { form: key, message: msg });
    }).catch(function (e) { showError(fb, e); });
  }
  if (allowed.some(function (a) { return a.to === "acknowledged"; }) && c.state === "new") {
    forms.push(el("div", { "data-form": "ack" }, [
      el("button", { type: "button", className: "primary", text: t("acknowledge"), onclick: function () {
        post("ack", "/state", { state: "acknowledged" }, t("state_changed", { state: t("st_acknowledged") }));
      } })].concat(feedback())));
  }
  // State change: only the transitions allowed from this state for this role.
  if (allowed.length) {
    var st = select("state", allowed.map(function (a) { return [a.to, t("st_" + a.to)]; }));
    var reasonField = field(t("reason_required"), select("reason", [["", t("choose")]]));
    var reason = reasonField.querySelector("select");
    var sc = el("textarea", { rows: "2", name: "comment" });
    var sp = el("input", { type: "checkbox", id: "state-public" });
    var syncReason = function () {
      var a = allowed.find(function (x) { return x.to === st.value; });
      var need = !!(a && a.reason_required);
      reasonField.hidden = !need;
      reason.setAttribute("aria-required", need ? "true" : "false");
      reason.textContent = "";
      reason.appendChild(el("option", { value: "", text: t("choose") }));
      ((a && a.reasons) || []).forEach(function (r) { reason.appendChild(el("option", { value: r, text: t("r_" + r) })); });
    };
    st.addEventListener("change", syncReason);
    syncReason();
    forms.push(el("form", { "data-form": "state", onsubmit: function (ev) {
      ev.preventDefault();
      var a = allowed.find(function (x) { return x.to === st.value; });
      if (a && a.reason_required && !reason.value) {
        this.querySelector(".error").textContent = t("error", { msg: t("need_reason") });
        reason.focus();
        return;
      }
      post("state", "/state", { state: st.value, reason: reason.value || undefined, comment: sc.value || undefined, public: sp.checked },
        t("state_changed", { state: t("st_" + st.value) }));
    } }, [
      el("h3", { text: t("change_state") }), field(t("new_state"), st), reasonField, field(t("comment"), sc),
      el("div", { className: "field toggle" }, [sp, el("label", { for: "state-public", text: t("public") })]),
      el("button", { type: "submit", className: "secondary", text: t("save") })].concat(feedback())));
  } else {
    forms.push(el("p", { className: "hint", text: t("no_transitions", { state: t("st_" + c.state) }) }));
  }
  if (triage) {
    var us = select("unit", unitOptions(false), c.unit ? c.unit.id : "");
    var ac = el("input", { name: "comment" });
    forms.push(el("form", { "data-form": "assign", onsubmit: function (ev) {
      ev.preventDefault();
      post("assign", "/assign", { unit_id: Number(us.value), comment: ac.value || undefined },
        function (nc) { return t("assigned_to", { unit: nc.unit ? nc.unit.name : "" }); });
    } }, [
      el("h3", { text: t("assign_title") }), field(t("unit"), us), field(t("comment"), ac),
      el("button", { type: "submit", className: "secondary", text: t("assign") })].concat(feedback())));
    var ps = select("priority", [["1", t("p1")], ["2", t("p2")], ["3", t("p3")]], c.priority);
    forms.push(el("form", { "data-form": "priority", onsubmit: function (ev) {
      ev.preventDefault();
      post("priority", "/priority", { priority: Number(ps.value) }, t("priority_set", { p: t("p" + ps.value) }));
    } }, [
      el("h3", { text: t("set_priority") }), field(t("priority"), ps), el("button", { type: "submit", className: "secondary", text: t("save") })].concat(feedback())));
  }
  var cc = el("textarea", { rows: "3", name: "comment", required: true });
  var cp = el("input", { type: "checkbox", id: "comment-public" });
  forms.push(el("form", { "data-form": "comment", onsubmit: function (ev) {
    ev.preventDefault();
    post("comment", "/comment", { comment: cc.value, public: cp.checked }, cp.checked ? t("comment_added_public") : t("comment_added"));
  } }, [
    el("h3", { text: t("add_comment") }), field(t("comment"), cc),
    el("div", { className: "field toggle" }, [cp, el("label", { for: "comment-public", text: t("public") })]),
    el("button", { type: "submit", className: "secondary", text: t("add_comment") })].concat(feedback())));
  return forms;
}

/* ---- admin ------------------------------------------------------------------------ */

function adminPage(titleKey) {
  main.textContent = "";
  document.title = t(titleKey) + " – Trygg";
  main.appendChild(el("h1", { text: t(titleKey) }));
  var err = errorBox();
  main.appendChild(err);
  return err;
}
function table(cols, rows) {
  return el("table", { className: "admin-table" }, [el("thead", {}, [el("tr", {}, cols.map(function (c) { return el("th", { scope: "col", text: c }); }))]),
    el("tbody", {}, rows.map(function (r) { return el("tr", {}, r.map(function (cell) { return el("td", {}, [typeof cell === "string" ? document.createTextNode(cell) : cell]); })); }))]);
}

function showUnits() {
  var err = adminPage("units_title");
  var box = el("div");
  main.appendChild(box);
  var editing = null;
  var code = el("input", { name: "code", required: true }), name = el("input", { name: "name", required: true });
  var email = el("input", { name: "email", type: "email" }), url = el("input", { name: "webhook_url", type: "url" });
  var secret = el("input", { name: "webhook_secret", type: "password", autocomplete: "new-password" });
  var internal = el("input", { type: "checkbox", id: "unit-internal" });
  internal.checked = true;
  var heading = el("h2", { text: t("new_unit") });
  var form = el("form", { className: "inline-form", onsubmit: function (ev) {
    ev.preventDefault();
    var body = { code: code.value, name: name.value, email: email.value, webhook_url: url.value, internal: internal.checked };
    if (secret.value) body.webhook_secret = secret.value;
    (editing ? api("PUT", "/api/v1/units/" + editing, body) : api("POST", "/api/v1/units", body)).then(function () {
      announce(t("saved")); return loadReference();
    }).then(showUnits).catch(function (e) { showError(err, e); });
  } }, [field(t("code"), code), field(t("name"), name), field(t("email"), email), field(t("webhook_url"), url),
    field(t("webhook_secret"), secret), el("div", { className: "field toggle" }, [internal, el("label", { for: "unit-internal", text: t("internal") })]),
    el("button", { type: "submit", className: "primary", text: t("save") })]);
  api("GET", "/api/v1/units").then(function (b) {
    box.appendChild(table([t("code"), t("name"), t("email"), t("webhook_url"), t("internal"), ""], b.units.map(function (u) {
      return [u.code, u.name, u.email || t("none"), u.webhook_url || t("none"), u.internal ? t("yes") : t("no"),
        el("button", { type: "button", className: "secondary", text: t("edit") + " " + u.name, onclick: function () {
          editing = u.id; heading.textContent = t("edit_unit") + ": " + u.name;
          code.value = u.code; name.value = u.name; email.value = u.email || ""; url.value = u.webhook_url || ""; internal.checked = u.internal;
          code.focus();
        } })];
    })));
    box.appendChild(heading);
    box.appendChild(form);
  }).catch(function (e) { showError(err, e); });
}

function showRules() {
  var err = adminPage("rules_title");
  var box = el("div");
  main.appendChild(box);
  var cat = select("category", categories().map(function (c) { return [c.code, categoryName(c.code)]; }));
  var area = select("area_id", [["", t("whole")]].concat((ctx.areas ? ctx.areas.features : []).map(function (f) { return [f.properties.id, f.properties.name]; })));
  var unit = select("unit_id", unitOptions(false));
  var prio = select("priority", [["1", t("p1")], ["2", t("p2")], ["3", t("p3")]], 2);
  var order = el("input", { name: "rule_order", type: "number", value: "100", min: "0" });
  var points = [], shape = null;
  var drawn = el("p", { role: "status", text: t("whole") });
  var mapDiv = el("div", { className: "draw-map", role: "region", "aria-label": t("draw_map") });
  var form = el("form", { className: "inline-form", onsubmit: function (ev) {
    ev.preventDefault();
    var body = { category: cat.value, unit_id: Number(unit.value), priority: Number(prio.value), rule_order: Number(order.value) };
    if (area.value) body.area_id = Number(area.value);
    if (points.length >= 3) {
      var ring = points.map(function (p) { return [p.lng, p.lat]; });
      ring.push(ring[0]);
      body.polygon = { type: "Polygon", coordinates: [ring] };
    }
    api("POST", "/api/v1/routing-rules", body).then(function () { announce(t("saved")); showRules(); }).catch(function (e) { showError(err, e); });
  } }, [field(t("category"), cat), field(t("area"), area), field(t("unit"), unit), field(t("priority"), prio), field(t("rule_order"), order),
    el("button", { type: "submit", className: "primary", text: t("create") })]);
  api("GET", "/api/v1/routing-rules").then(function (b) {
    box.appendChild(table([t("category"), t("area"), t("polygon"), t("unit"), t("priority"), t("rule_order"), ""], b.rules.map(function (r) {
      return [categoryName(r.category), r.area_code || t("whole"), r.polygon ? t("yes") : t("no"), r.unit_name, String(r.priority), String(r.rule_order),
        el("button", { type: "button", className: "secondary", text: t("delete") + " #" + r.id, onclick: function () {
          api("DELETE", "/api/v1/routing-rules/" + r.id).then(showRules).catch(function (e) { showError(err, e); });
        } })];
    })));
    box.appendChild(el("h2", { text: t("new_rule") }));
    box.appendChild(el("p", { text: t("draw_help") }));
    box.appendChild(mapDiv);
    box.appendChild(drawn);
    box.appendChild(el("button", { type: "button", className: "secondary", text: t("clear_polygon"), onclick: function () {
      points = []; if (shape) { map.removeLayer(shape); shape = null; } drawn.textContent = t("whole");
    } }));
    box.appendChild(form);
    var map = baseMap(mapDiv);
    map.on("click", function (e) {
      points.push(e.latlng);
      if (shape) map.removeLayer(shape);
      shape = (points.length >= 3 ? L.polygon(points) : L.polyline(points)).addTo(map);
      drawn.textContent = t("drawn", { n: points.length });
    });
  }).catch(function (e) { showError(err, e); });
}

function showAreas() {
  var err = adminPage("areas_title");
  var file = el("input", { type: "file", accept: ".geojson,.json,application/geo+json,application/json" });
  var msg = el("p", { role: "status" });
  main.appendChild(el("form", { className: "inline-form", onsubmit: function (ev) {
    ev.preventDefault();
    if (!file.files[0]) return;
    file.files[0].text().then(function (text) { return api("POST", "/api/v1/areas/import", undefined, text); })
      .then(function (b) { msg.textContent = t("imported", { n: b.imported }); return loadReference(); })
      .then(listAreas).catch(function (e) { showError(err, e); });
  } }, [field(t("import_file"), file), el("button", { type: "submit", className: "primary", text: t("import") })]));
  main.appendChild(msg);
  var box = el("div");
  main.appendChild(box);
  function listAreas() {
    box.textContent = "";
    box.appendChild(table([t("code"), t("name")], (ctx.areas ? ctx.areas.features : []).map(function (f) { return [f.properties.code, f.properties.name]; })));
  }
  listAreas();
}

function showUsers() {
  var err = adminPage("users_title");
  var box = el("div");
  main.appendChild(box);
  var roles = ["admin", "triage", "unit", "organiser"];
  var username = el("input", { name: "username", required: true, autocomplete: "off" });
  var password = el("input", { name: "password", type: "password", required: true, autocomplete: "new-password", minlength: String(PASSWORD_MIN_CHARS) });
  var role = select("role", roles.map(function (r) { return [r, t("role_" + r)]; }), "triage");
  var unit = select("unit_id", [["", t("none")]].concat(unitOptions(false)));
  api("GET", "/api/v1/users").then(function (b) {
    box.appendChild(table([t("username"), t("role"), t("unit"), t("active"), ""], b.users.map(function (u) {
      var un = ctx.units.find(function (x) { return x.id === u.unit_id; });
      return [u.username, t("role_" + u.role), un ? un.name : t("none"), u.active ? t("yes") : t("no"),
        u.id === ctx.me.id ? "" : el("button", { type: "button", className: "secondary", text: (u.active ? t("deactivate") : t("activate")) + " " + u.username, onclick: function () {
          api("PUT", "/api/v1/users/" + u.id, { active: !u.active }).then(showUsers).catch(function (e) { showError(err, e); });
        } })];
    })));
    box.appendChild(el("h2", { text: t("new_user") }));
    box.appendChild(el("form", { className: "inline-form", onsubmit: function (ev) {
      ev.preventDefault();
      var body = { username: username.value, password: password.value, role: role.value };
      if (unit.value) body.unit_id = Number(unit.value);
      api("POST", "/api/v1/users", body).then(function () { announce(t("saved")); showUsers(); }).catch(function (e) { showError(err, e); });
    } }, [field(t("username"), username), field(t("password"), password), field(t("role"), role), field(t("unit"), unit),
      el("button", { type: "submit", className: "primary", text: t("create") })]));
  }).catch(function (e) { showError(err, e); });
}

function showOutbox() {
  var err = adminPage("outbox_title");
  var q = new URLSearchParams(location.hash.split("?")[1] || "");
  var st = select("state", [["dead", t("dead")], ["pending", t("pending")], ["sent", t("sent")]], q.get("state") || "dead");
  main.appendChild(el("form", { className: "filter-bar", onsubmit: function (ev) { ev.preventDefault(); location.hash = "#/admin/outbox?state=" + st.value; } },
    [field(t("state"), st), el("button", { type: "submit", className: "secondary", text: t("filter") })]));
  var box = el("div");
  main.appendChild(box);
  api("GET", "/api/v1/outbox?state=" + encodeURIComponent(st.value)).then(function (b) {
    if (!b.messages.length) { box.appendChild(el("p", { text: t("no_messages") })); return; }
    box.appendChild(table(["#", t("kind"), t("unit"), t("target"), t("attempts"), t("last_error"), ""], b.messages.map(function (m) {
      return ["#" + m.id + " (" + m.case_id + ")", m.kind, m.unit, m.target, String(m.attempts), m.last_error || t("none"),
        m.state === "sent" ? "" : el("button", { type: "button", className: "secondary", text: t("retry") + " #" + m.id, onclick: function () {
          api("POST", "/api/v1/outbox/" + m.id + "/retry").then(function () { announce(t("saved")); showOutbox(); }).catch(function (e) { showError(err, e); });
        } })];
    })));
  }).catch(function (e) { showError(err, e); });
}

/* ---- routing ------------------------------------------------------------------------ */

/* Where a role starts: organisers plan walks and have no case queue. */
function home() { return ctx.me && ctx.me.role === "organiser" ? "#/walks" : "#/queue"; }

function route() {
  applyShell();
  walks.leave();
  if (!ctx.me) { showLogin(); return; }
  var h = location.hash || home();
  if (h === "#/queue" && ctx.me.role === "organiser") h = "#/walks";
  var m;
  if (walks.route(h)) { /* a walks page */ }
  else if ((m = h.match(/^#\/case\/(\d+)/))) showCase(Number(m[1]));
  else if (h.indexOf("#/admin/units") === 0) showUnits();
  else if (h.indexOf("#/admin/rules") === 0) showRules();
  else if (h.indexOf("#/admin/areas") === 0) showAreas();
  else if (h.indexOf("#/admin/users") === 0) showUsers();
  else if (h.indexOf("#/admin/outbox") === 0) showOutbox();
  else if (h.indexOf("#/situation") === 0) showSituation(main, ctx);
  else showQueue();
  main.focus();
}

walks.init({ ctx: ctx, main: main, field: field, select: select, announce: announce, errorBox: errorBox, showError: showError,
  dl: dl, fmt: fmt, stateBadge: stateBadge, table: table });
languageButton(document.getElementById("lang"), route);
onUnauthorized(function (path) {
  if (path === "/api/v1/auth/login") return; // a wrong password, not an ended session
  ctx.me = null;
  showLogin();
});
document.getElementById("logout").addEventListener("click", function () {
  api("POST", "/api/v1/auth/logout").catch(function () { /* already gone */ }).then(function () { ctx.me = null; setCsrfToken(null); location.hash = "#/login"; showLogin(); });
});
window.addEventListener("hashchange", route);
fetch("/api/v1/auth/me", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (b) {
  if (b) { ctx.me = b.user; setCsrfToken(b.csrf_token); return loadReference(); }
}).catch(function () { /* show the login */ }).then(route);
