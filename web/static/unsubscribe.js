/*
 * trygg — the page an unsubscribe link in a follow-up e-mail opens
 * (/unsubscribe?token=…). Opening it changes nothing; the button POSTs the
 * token to /api/v1/follow-up/unsubscribe. Shows the outcome in the page's
 * language; never shows whose address it was.
 */
import { $, api } from "./common.js";
import { t, apply, useTexts, languageButton } from "./i18n.js";
import texts from "./texts-public.js";

useTexts(texts);

const token = new URLSearchParams(location.search).get("token") || "";
let outcome = null; /* the text key of the outcome, redrawn on a language switch */
let failure = null;  /* or the server's message when it could not answer */

function show() {
  $("unsub-result").textContent = outcome === "unsub_done" ? t(outcome) : "";
  $("unsub-error").textContent = failure ? t("error_generic", { msg: failure })
    : outcome && outcome !== "unsub_done" ? t(outcome) : "";
}

function unsubscribe() {
  $("unsub").disabled = true;
  failure = null;
  api("POST", "/api/v1/follow-up/unsubscribe", { token })
    .then(() => { outcome = "unsub_done"; $("unsub").hidden = true; })
    .catch((e) => {
      if (e.status === 404) { outcome = "unsub_unknown"; $("unsub").hidden = true; }
      else { failure = e.message; $("unsub").disabled = false; } /* try again later */
    })
    .then(show);
}

apply();
languageButton($("lang"), show);
if (!token) { outcome = "unsub_no_token"; $("unsub").hidden = true; show(); }
$("unsub").addEventListener("click", unsubscribe);
