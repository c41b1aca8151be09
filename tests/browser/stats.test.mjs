// The public statistics page (/stats) on a phone: charts drawn by uPlot, each with its table
// and CSV download, small counts shown as "fewer than N", axe-clean in the light and the dark
// colour scheme, and the staff situation view with its PDF link.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, PHONE, axe, ARTIFACTS } from "./lib/server.mjs";

let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  // a few more reports in Centrum, so that one count passes the public threshold
  for (let i = 0; i < 4; i++) {
    const r = await srv.api("/api/v1/observations", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ client_id: crypto.randomUUID(), category: "lighting", lon: 12.9401 + i * 1e-4, lat: 57.7210,
        observed_at: new Date(Date.now() - 86400000 * (i + 1)).toISOString().slice(0, 19) + "Z" }),
    });
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => { await browser?.close(); await srv?.stop(); });

function report(v) {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.nodes.join(", ")}`).join("\n");
}

for (const scheme of ["light", "dark"]) {
  test(`/stats on a phone draws charts with tables and CSV links and passes axe (${scheme})`, async () => {
    const context = await browser.newContext({ ...PHONE, colorScheme: scheme });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(srv.base + "/stats");
    await page.getByRole("heading", { name: "Iakttagelser per period" }).waitFor();
    await page.waitForLoadState("networkidle");
    assert.deepEqual(errors, []);
    assert.ok(await page.locator(".chart-plot canvas").count() >= 3, "uPlot draws the charts");
    const csv = page.getByRole("link", { name: "Ladda ner CSV" }).first();
    assert.match(await csv.getAttribute("href"), /^\/api\/v1\/stats\.csv\?/);
    await page.getByText("Visa som tabell").first().click();
    const table = page.locator("table.chart-table").first();
    assert.ok(await table.isVisible());
    const body = await page.locator("#charts").innerText();
    assert.match(body, /<3/, "small counts are suppressed");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, "no sideways scrolling on a phone: " + width);
    await page.screenshot({ path: path.join(ARTIFACTS, `stats-phone-${scheme}.png`), fullPage: true });
    const v = await axe(page);
    assert.equal(v.length, 0, report(v));
    await page.getByRole("button", { name: "Byt språk till engelska" }).click();
    await page.getByRole("heading", { name: "Observations per period" }).waitFor();
    const ve = await axe(page);
    assert.equal(ve.length, 0, "english: " + report(ve));
    await context.close();
  });
}

test("the staff situation view shows the ranking, the areas and the PDF link, axe-clean", async () => {
  srv.addUser("tina", "triage");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "sv-SE" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(srv.base + "/staff#/situation");
  await page.getByLabel("Användarnamn").fill("tina");
  await page.getByLabel("Lösenord").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.getByRole("heading", { name: /Lägesbild/ }).waitFor();
  await page.getByRole("heading", { name: "Rangordning efter behov" }).waitFor();
  await page.locator(".situation-map .leaflet-pane").first().waitFor({ state: "attached" });
  assert.deepEqual(errors, []);
  const pdf = page.getByRole("link", { name: /PDF/ });
  assert.match(await pdf.getAttribute("href"), /^\/api\/v1\/situation\.pdf\?week=\d{4}-W\d{2}/);
  assert.match(await page.locator("main").innerText(), /Centrum/);
  await page.screenshot({ path: path.join(ARTIFACTS, "staff-situation.png"), fullPage: true });
  const v = await axe(page);
  assert.equal(v.length, 0, report(v));
  await context.close();
});
