/*
 * trygg — helpers shared by the three web apps (field app, public map, staff
 * app): building elements, calling the JSON API, and the reference data the
 * server hands every app alike (categories and their names). It holds no
 * state of any one app and draws nothing by itself.
 */
import { lang } from "./i18n.js";

/* The element with this id. */
export const $ = (id) => document.getElementById(id);

/*
 * Creates a <tag> element. attrs: "text" sets its text, "className" its class,
 * "onX" adds a listener for event X, true makes an empty attribute, and
 * undefined, null or false leave the attribute out; any other key is set as
 * an attribute. children: elements or strings (as text); null ones are skipped.
 */
export function el(tag, attrs, children) {
  const e = document.createElement(tag);
  Object.keys(attrs || {}).forEach((k) => {
    const v = attrs[k];
    if (v === undefined || v === null || v === false) return;
    if (k === "text") e.textContent = v;
    else if (k === "className") e.className = v;
    else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  });
  (children || []).forEach((c) => { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
  return e;
}

/* ---- the JSON API ---------------------------------------------------------- */

let csrfToken = null;
let unauthorizedHandler = null;

/* The staff session's CSRF token, sent as X-CSRF-Token with every write; null for none. */
export function setCsrfToken(token) { csrfToken = token; }

/* fn(path) is called when the server answers 401 (the staff session ended). */
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

/*
 * Calls the JSON API: method and path, body (sent as JSON) or raw (a GeoJSON
 * text, sent as it is). Resolves to the parsed answer (null when empty);
 * rejects with an Error carrying the server's message, .status, .code
 * (the stable machine code of the JSON error) and .field (the field at fault,
 * when the server names one), or with fetch's own error when
 * the network is away.
 */
export function api(method, path, body, raw) {
  const opts = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  // Public answers carry Cache-Control: public, max-age for shared caches (README
  // "Scaling reads"); our own pages still ask the server each time (If-None-Match:
  // a 304 is cheap), so a report just filed is on the map at once.
  if (method === "GET") opts.cache = "no-cache";
  if (method !== "GET" && csrfToken) opts.headers["X-CSRF-Token"] = csrfToken;
  if (raw) { opts.body = raw; opts.headers["Content-Type"] = "application/geo+json"; }
  else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
  return fetch(path, opts).then((r) => r.text().then((text) => {
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
    if (r.status === 401 && unauthorizedHandler) unauthorizedHandler(path);
    if (!r.ok) {
      const err = new Error((json && json.error && json.error.message) || ("HTTP " + r.status));
      err.status = r.status;
      err.code = json && json.error && json.error.code;
      err.field = json && json.error && json.error.field;
      throw err;
    }
    return json;
  }));
}

/* GET path from the JSON API; see api(). */
export function getJSON(path) { return api("GET", path); }

/* ---- categories ---------------------------------------------------------------- */

let categoryList = [];

/* Fetches the observation categories; resolves to the list, also kept for categoryName(). */
export function loadCategories() {
  return getJSON("/api/v1/categories").then((b) => { categoryList = b.categories; return categoryList; });
}

/* The categories as last loaded ([] before). */
export function categories() { return categoryList; }

/* A category's name in the current language, or its code when it is unknown. */
export function categoryName(code) {
  const c = categoryList.find((x) => x.code === code);
  if (!c) return code;
  return lang() === "en" ? c.name_en : c.name_sv;
}

/* ---- the client configuration and its limits ------------------------------------ */

/*
 * The limits the scripts need, as the server's defaults. They are used only
 * until GET /api/v1/config has answered, or when it cannot (a phone's first
 * start offline, with no cached copy); after that the server's values rule.
 */
const FALLBACK_LIMITS = { max_description_chars: 2000, photo_max_side: 2048 };

let clientConfig = null;

/* Fetches GET /api/v1/config (municipality, tiles, limits); resolves to it, also kept for limit(). */
export function loadConfig() {
  return getJSON("/api/v1/config").then((c) => { clientConfig = c; return c; });
}

/* The named limit from /api/v1/config's "limits", or its fallback while the config is not loaded. */
export function limit(name) {
  const limits = clientConfig && clientConfig.limits;
  return limits && typeof limits[name] === "number" ? limits[name] : FALLBACK_LIMITS[name];
}
