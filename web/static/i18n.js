/*
 * trygg — the one translation system of the three web apps: Swedish first,
 * English available. Each app hands its dictionary ({sv: {...}, en: {...}})
 * to useTexts(); this module chooses the language (the saved choice, else the
 * browser's), looks texts up, fills the page's [data-i18n] texts and
 * [data-i18n-attr] attributes, and switches and remembers the language. It
 * holds no texts of its own.
 */
const STORAGE_KEY = "trygg.lang";

let texts = { sv: {}, en: {} };
let current = pickLanguage();

/* The saved choice, else the first of the browser's languages we can serve, else Swedish. */
function pickLanguage() {
  let saved = null;
  try { saved = localStorage.getItem(STORAGE_KEY); } catch (e) { /* private mode */ }
  if (saved === "sv" || saved === "en") return saved;
  const langs = navigator.languages || [navigator.language || "sv"];
  for (let i = 0; i < langs.length; i++) {
    const l = String(langs[i]).slice(0, 2).toLowerCase();
    if (l === "sv" || l === "nb" || l === "nn" || l === "da") return "sv";
    if (l === "en") return "en";
  }
  return "sv";
}

/* Makes dictionary ({sv: {key: text}, en: {key: text}}) the one t() looks in. */
export function useTexts(dictionary) { texts = dictionary; }

/* The current language: "sv" or "en". */
export function lang() { return current; }

/* The locale for dates and numbers in the current language. */
export function locale() { return current === "en" ? "en-GB" : "sv-SE"; }

/*
 * The text for key in the current language (Swedish when English lacks it,
 * the key itself when both do), with each {name} replaced by vars[name];
 * key_one instead when vars.n is 1 and that text exists.
 */
export function t(key, vars) {
  /* Plurals: with vars.n === 1 a key_one text wins when there is one ("1 rapport", not "1 rapporter"). */
  if (vars && Number(vars.n) === 1 && ((texts[current] && texts[current][key + "_one"]) || texts.sv[key + "_one"])) key += "_one";
  let s = (texts[current] && texts[current][key]) || texts.sv[key] || key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

/*
 * Sets <html lang> and fills, under root (default: the document), every
 * [data-i18n="key"] element's text and every [data-i18n-attr="attr:key;..."]
 * attribute.
 */
export function apply(root) {
  root = root || document;
  document.documentElement.lang = current;
  /* The page's title, when the page names its key: <html data-i18n-title="key">. */
  const titleKey = document.documentElement.dataset.i18nTitle;
  if (titleKey) document.title = t(titleKey);
  root.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  root.querySelectorAll("[data-i18n-attr]").forEach((e) => {
    e.dataset.i18nAttr.split(";").forEach((pair) => {
      const p = pair.split(":");
      if (p.length === 2) e.setAttribute(p[0], t(p[1]));
    });
  });
}

/* Switches to language l ("sv" or "en") and remembers it on this device. */
export function setLanguage(l) {
  current = l;
  try { localStorage.setItem(STORAGE_KEY, l); } catch (e) { /* private mode: this page only */ }
}

/*
 * Makes button switch between Swedish and English: the choice is saved, the
 * page's marked texts are filled again, then onSwitch() redraws what the app
 * built itself.
 */
export function languageButton(button, onSwitch) {
  button.addEventListener("click", () => {
    setLanguage(current === "sv" ? "en" : "sv");
    apply();
    if (onSwitch) onSwitch();
  });
}
