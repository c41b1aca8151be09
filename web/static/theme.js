/*
 * trygg — the colour theme of every page: light, dark, or following the
 * phone's setting (prefers-color-scheme), chosen with the "Tema" select in
 * the page header (#theme) and remembered on this device.
 *
 * A classic script, loaded without defer in <head> before the style sheets,
 * so the theme is set on <html data-theme="light|dark"> before the first
 * paint (no white flash at night); the page's CSP forbids inline scripts,
 * hence its own file. The style sheets key only on [data-theme]: one set of
 * rules over CSS custom properties. When the theme changes, a "trygg:theme"
 * event ({detail: {theme}}) goes to the document, for what draws its own
 * colours (charts). It holds no texts: the select's option texts come from
 * each page's dictionary through i18n.js like every other text.
 */
(function () {
  "use strict";
  var KEY = "trygg.theme";
  var CHOICES = ["auto", "light", "dark"];
  /* The colour of the phone's status bar for each theme (the header's). */
  var BAR = { light: "#0b3d5c", dark: "#0b2a40" };
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var memory = "auto"; /* the choice when localStorage is refused (private mode): this page only */

  /* The saved choice: "auto", "light" or "dark". */
  function choice() {
    try {
      var v = localStorage.getItem(KEY);
      return CHOICES.indexOf(v) > 0 ? v : "auto";
    } catch (e) {
      return memory;
    }
  }

  /* Saves choice c ("auto" forgets any saved one). */
  function save(c) {
    memory = c;
    try {
      if (c === "auto") localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, c);
    } catch (e) { /* private mode: kept in memory */ }
  }

  /* Sets <html data-theme> to theme ("light" or "dark"); tells the page when it changed. */
  function setTheme(theme) {
    var root = document.documentElement;
    var before = root.getAttribute("data-theme");
    root.setAttribute("data-theme", theme);
    var meta = document.querySelector('meta[name="theme-color"]');
    if (meta) meta.setAttribute("content", BAR[theme]);
    if (before && before !== theme) {
      document.dispatchEvent(new CustomEvent("trygg:theme", { detail: { theme: theme } }));
    }
  }

  /* The theme from the choice and the phone's setting, and the select showing the choice. */
  function applyTheme() {
    var c = choice();
    setTheme(c === "auto" ? (media && media.matches ? "dark" : "light") : c);
    var select = document.getElementById("theme");
    if (select && select.value !== c) select.value = c;
  }

  /* Makes the header's select choose the theme. */
  function wire() {
    applyTheme(); /* again, for what was parsed after this script (<meta name="theme-color">) */
    var select = document.getElementById("theme");
    if (!select) return;
    select.addEventListener("change", function () {
      save(CHOICES.indexOf(select.value) >= 0 ? select.value : "auto");
      applyTheme();
    });
  }

  applyTheme();
  if (media) {
    if (media.addEventListener) media.addEventListener("change", applyTheme);
    else if (media.addListener) media.addListener(applyTheme);
  }
  /* Paper is white: a page printed at night is printed in the light theme. */
  window.addEventListener("beforeprint", function () { setTheme("light"); });
  window.addEventListener("afterprint", applyTheme);
  /* Another tab of the same site changed it. */
  window.addEventListener("storage", function (e) { if (e.key === KEY || e.key === null) applyTheme(); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
}());
