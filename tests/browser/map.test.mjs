// The public map: filed observations show up as server-side clusters; filters and permalinks work.
import { test, before, after } from "node:test";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, PHONE, ARTIFACTS } from "./lib/server.mjs";

let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  // Reports in a quiet corner of the municipality, away from the demo data.
  for (let i = 0; i < 6; i++) {
    await srv.api("/api/v1/observations", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ client_id: randomUUID(), category: i < 4 ? "lighting" : "litter",
                             lon: 12.8500 + i * 0.0003, lat: 57.7000, description: `karttest ${i}` }),
    });
  }
});
after(async () => { await browser?.close(); await srv?.stop(); });

async function summary(page) {
  return (await page.locator("#summary").textContent()) || "";
}

test("the map shows the filed observations and the category filter changes what is shown", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "sv-SE" });
  const page = await context.newPage();
  await page.goto(srv.base + "/map?lat=57.70000&lon=12.85100&z=15");
  await page.getByText("I kartvyn: 6 rapporter.").waitFor();
  assert.match(await summary(page), /Belysning: 4/);
  assert.match(await summary(page), /Skräp och nedskräpning: 2/);
  await page.screenshot({ path: path.join(ARTIFACTS, "desktop-map.png") });

  // Untick lighting: only the two litter reports remain, and the URL says so.
  await page.getByRole("checkbox", { name: "Belysning" }).uncheck();
  await page.getByText("I kartvyn: 2 rapporter.").waitFor();
  assert.match(page.url(), /category=/);
  assert.doesNotMatch(page.url(), /lighting/);

  // The permalink restores the same view and filters.
  const link = page.url();
  const again = await context.newPage();
  await again.goto(link);
  await again.getByText("I kartvyn: 2 rapporter.").waitFor();
  assert.equal(await again.getByRole("checkbox", { name: "Belysning" }).isChecked(), false);

  // Status filter: nothing here is resolved yet.
  await again.getByLabel("Status").selectOption("resolved");
  await again.getByText("Inga rapporter i kartvyn med de här filtren.").waitFor();
  await context.close();
});

test("zooming in splits clusters and a single report opens its public view", async () => {
  // A tablet-sized view at zoom 19 holds all six reports, about 18 m apart: each its own marker.
  const context = await browser.newContext({ ...PHONE, viewport: { width: 800, height: 800 } });
  const page = await context.newPage();
  await page.goto(srv.base + "/map?lat=57.70000&lon=12.85075&z=19");
  await page.getByText("I kartvyn: 6 rapporter.").waitFor();
  const singles = page.getByRole("button", { name: /^Rapport: / });
  await singles.first().waitFor();
  assert.ok(await singles.count() >= 2);
  await singles.first().click();
  await page.getByRole("heading", { name: /Rapport nr \d+ – / }).waitFor();
  assert.match(await page.locator("#details").textContent(), /karttest/);
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-7-map-details.png"), fullPage: true });
  await context.close();
});

test("the heat-map view draws on a canvas", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: "sv-SE" });
  const page = await context.newPage();
  await page.goto(srv.base + "/map?lat=57.70000&lon=12.85100&z=14&heat=1");
  await page.getByText("I kartvyn: 6 rapporter.").waitFor();
  await page.locator("canvas.leaflet-heatmap-layer").waitFor();
  assert.equal(await page.locator(".cluster").count(), 0);
  await context.close();
});
