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
  await page.locator("#f-categories label").first().waitFor();
  const small = await page.evaluate(() => {
    const els = [...document.querySelectorAll("#f-categories label, .leaflet-bar a, .filters .toggle")];
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
