// Accessibility points of issue 10 built so far: the language button's accessible name
// contains its visible text (WCAG 2.5.3), title and lang follow the language, and touch
// targets of at least 44 px on the public map and the staff app's checkboxes.
import { test, before, after } from "node:test";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import { startServer, launchBrowser, PHONE } from "./lib/server.mjs";

const PASSWORD = "correct horse battery staple";
let srv, browser;
before(async () => {
  srv = await startServer();
  srv.addUser("tove", "triage", PASSWORD);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await srv?.stop(); });

async function langButton(page) {
  const b = page.locator("#lang");
  await b.waitFor();
  return { visible: (await b.innerText()).trim(), name: await b.getAttribute("aria-label"), b };
}

for (const [url, sv, en] of [["/", "Trygg i Borås", "Safe in Borås"],
                              ["/map", "Rapporter på kartan – Trygg i Borås", "Reports on the map – Safe in Borås"]]) {
  test(`${url}: the language button is named by what it shows; title and lang follow the language`, async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(srv.base + url);
    let l = await langButton(page);
    assert.equal(l.visible, "English");
    assert.ok(l.name.startsWith(l.visible), l.name);
    assert.equal(await page.title(), sv);
    await l.b.click();
    await page.waitForFunction(() => document.documentElement.lang === "en");
    assert.equal(await page.title(), en);
    l = await langButton(page);
    assert.equal(l.visible, "Svenska");
    assert.ok(l.name.startsWith(l.visible), l.name);
    await context.close();
  });
}

test("touch targets of at least 44 px: the public map's filters and zoom buttons on a phone", async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(srv.base + "/map");
  // On a phone the filters are folded into a panel: open it.
  await page.getByRole("button", { name: "Filter" }).click();
  await page.locator("#f-categories label").first().waitFor();
  const small = await page.evaluate(() => {
    const els = [...document.querySelectorAll("#f-categories label, .leaflet-bar a, .filters .toggle, #filters-toggle, #theme")];
    return els.map((e) => { const r = e.getBoundingClientRect(); return { t: e.textContent.trim(), w: r.width, h: r.height }; })
      .filter((b) => b.h < 44 || b.w < 44);
  });
  assert.deepEqual(small, []);
  await context.close();
});

test("touch targets of at least 44 px: the staff queue's checkboxes", async () => {
  await srv.api("/api/v1/observations", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: randomUUID(), lon: 12.9401, lat: 57.7210, category: "hidden" }),
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "sv-SE" });
  const page = await context.newPage();
  await page.goto(srv.base + "/staff");
  await page.getByLabel("Användarnamn").fill("tove");
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.locator("table.cases input[type=checkbox]").first().waitFor();
  const sizes = await page.evaluate(() => [...document.querySelectorAll("table.cases input[type=checkbox]")].map((i) => {
    const r = i.closest("label").getBoundingClientRect();
    return [r.width, r.height];
  }));
  assert.ok(sizes.length >= 2);
  for (const [w, h] of sizes) assert.ok(w >= 44 && h >= 44, JSON.stringify(sizes));
  // The label is the target: a click on its edge ticks the box.
  const first = page.locator("table.cases tbody label.hit").first();
  const box = await first.boundingBox();
  await page.mouse.click(box.x + 2, box.y + 2);
  assert.ok(await first.locator("input").isChecked());
  await context.close();
});

test("the public map: correct Swedish singular, and 'good place' reports are no hot spots in the heat map", async () => {
  const spot = { lon: 12.8700, lat: 57.7050 };
  const post = (category, i) => srv.api("/api/v1/observations", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: randomUUID(), lon: spot.lon + i * 0.0002, lat: spot.lat, category }),
  });
  assert.equal((await post("safe_place", 0)).status, 201);
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, locale: "sv-SE" });
  const page = await context.newPage();
  const url = `${srv.base}/map?lat=${spot.lat}&lon=${spot.lon + 0.0002}&z=17`;
  await page.goto(url);
  await page.getByText("I kartvyn: 1 rapport.").waitFor();
  // Heat drawn on a canvas: how much of it is coloured.
  const heat = () => page.evaluate(() => {
    const c = document.querySelector("canvas.leaflet-heatmap-layer");
    if (!c) return -1;
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  await page.getByLabel("Visa som värmekarta").check();
  await page.locator("canvas.leaflet-heatmap-layer").waitFor({ state: "attached" });
  assert.equal(await heat(), 0, "a safe place is no hot spot");
  assert.equal((await post("lighting", 1)).status, 201);
  assert.equal((await post("safe_place", 2)).status, 201);
  await page.goto(url + "&heat=1");
  await page.getByText("I kartvyn: 3 rapporter.").waitFor();
  await page.locator("canvas.leaflet-heatmap-layer").waitFor({ state: "attached" });
  await page.waitForFunction(() => {
    const c = document.querySelector("canvas.leaflet-heatmap-layer");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
    return false;
  });
  assert.ok(await heat() > 0, "the lighting report is");
  await context.close();
});
