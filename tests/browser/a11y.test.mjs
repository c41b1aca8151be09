// WCAG 2.1 A/AA with axe-core on every public page and its main states.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, PHONE, axe } from "./lib/server.mjs";

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

function report(v) {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.nodes.join(", ")}`).join("\n");
}

for (const [name, url] of [["field app", "/"], ["walk link", "/w/NORRBY1"], ["public map", "/map"]]) {
  test(`axe finds no WCAG 2.1 A/AA violations on the ${name} (${url})`, async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(srv.base + url);
    await page.waitForLoadState("networkidle");
    const v = await axe(page);
    assert.equal(v.length, 0, report(v));
    await context.close();
  });
}

test("axe finds no violations in the report form, the confirmation, or in English", async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).click();
  await page.getByText(/ungefär ±12 m/).waitFor();
  let v = await axe(page);
  assert.equal(v.length, 0, "form: " + report(v));
  await page.getByRole("button", { name: "Skicka rapport" }).click();
  await page.getByText(/Din rapport har nummer/).waitFor();
  v = await axe(page);
  assert.equal(v.length, 0, "confirmation: " + report(v));
  await page.getByRole("button", { name: "Byt språk till engelska" }).click();
  v = await axe(page);
  assert.equal(v.length, 0, "english: " + report(v));
  await context.close();
});

test("every button and link on the phone is at least 44 by 44 CSS pixels", async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).click();
  await page.getByText(/ungefär ±12 m/).waitFor();
  const small = await page.evaluate(() => Array.from(document.querySelectorAll("button, a, summary, input, select, textarea, label"))
    .filter((e) => e.offsetParent !== null && !e.closest(".leaflet-control-attribution") && e.type !== "radio")
    // A label is a target only when it wraps its control (the rating options); others name a field.
    .filter((e) => e.tagName !== "LABEL" || e.querySelector("input"))
    .map((e) => ({ e, r: e.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 0 && (r.width < 44 || r.height < 44))
    .map(({ e, r }) => `${e.tagName} "${(e.textContent || e.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`));
  assert.deepEqual(small, []);
  await context.close();
});
