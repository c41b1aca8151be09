// Offline first: five reports made without network survive a reload and arrive exactly once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, PHONE, ARTIFACTS } from "./lib/server.mjs";

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// Asks the page's own outbox to send now: importing the module the app imported gives the same instance.
function flushQueue(page) {
  return page.evaluate(() => import("/static/queue.js").then((queue) => queue.flush()));
}

async function countWithText(marker) {
  const fc = (await srv.api("/api/v1/observations?limit=1000")).json;
  return fc.features.filter((f) => (f.properties.description || "").startsWith(marker));
}

test("five reports filed offline, a reload, then online: exactly five arrive, none twice", async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).waitFor();
  // Let the service worker install and take control, so the app can open without network.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  await context.setOffline(true);
  const photo = await page.screenshot({ type: "png" });
  const marker = "offline-" + Date.now();
  for (let i = 1; i <= 5; i++) {
    await page.getByRole("button", { name: i % 2 ? "Skräp och nedskräpning" : "Trafik" }).click();
    await page.getByText(/ungefär ±12 m/).waitFor();
    await page.getByLabel("Beskrivning").fill(`${marker} #${i}`);
    if (i === 3) await page.getByLabel("Foto").setInputFiles({ name: "p.png", mimeType: "image/png", buffer: photo });
    await page.getByRole("button", { name: "Skicka rapport" }).click();
    await page.getByRole("heading", { name: "Sparad på telefonen" }).waitFor();
    await page.getByRole("button", { name: "Rapportera något mer" }).click();
  }
  await page.getByText("Ingen uppkoppling").first().waitFor();
  await page.getByText("Väntar på nätverk").nth(4).waitFor();
  assert.equal(await page.getByText("Väntar på nätverk").count(), 5);
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-5-offline-queue.png"), fullPage: true });
  assert.equal((await countWithText(marker)).length, 0, "nothing reached the server while offline");

  // Closing and reopening keeps the queue: reload while still offline (served by the service worker).
  await page.reload();
  await page.getByRole("button", { name: "Belysning" }).waitFor();
  // The queue is read back from IndexedDB after the page renders: wait for its fifth entry.
  await page.getByText("Väntar på nätverk").nth(4).waitFor();
  assert.equal(await page.getByText("Väntar på nätverk").count(), 5);

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  let arrived = [];
  for (let i = 0; i < 100; i++) {
    arrived = await countWithText(marker);
    if (arrived.length >= 5 && (await page.getByText("Väntar på nätverk").count()) === 0) break;
    await page.waitForTimeout(200);
  }
  // Trigger more flushes: retries must not create duplicates.
  await flushQueue(page);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await flushQueue(page); // joins the flush the "online" event started, if it still runs
  arrived = await countWithText(marker);
  const texts = arrived.map((f) => f.properties.description).sort();
  assert.deepEqual(texts, [1, 2, 3, 4, 5].map((i) => `${marker} #${i}`).sort());
  const withPhoto = arrived.filter((f) => f.properties.photos.length > 0);
  assert.equal(withPhoto.length, 1);
  assert.equal(withPhoto[0].properties.photos.length, 1);
  assert.equal(withPhoto[0].properties.description, `${marker} #3`);
  await page.getByText(/nr \d+ · (Ny|Tilldelad)/).first().waitFor();
  assert.equal(await page.getByText(/nr \d+ · (Ny|Tilldelad)/).count(), 5);
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-6-sent-after-online.png"), fullPage: true });
  await context.close();
});

test("a lost answer is retried with the same client_id and stored once", async () => {
  // The first POST reaches the server but its answer is dropped on the way back.
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  let dropped = 0;
  await page.route("**/api/v1/observations", async (route) => {
    if (route.request().method() === "POST" && dropped === 0) {
      dropped++;
      await route.fetch();          // the server stores it...
      await route.abort("failed");  // ...but the phone never hears back
      return;
    }
    await route.continue();
  });
  await page.goto(srv.base + "/");
  const marker = "lost-answer-" + Date.now();
  await page.getByRole("button", { name: "Trafik" }).click();
  await page.getByText(/ungefär ±12 m/).waitFor();
  await page.getByLabel("Beskrivning").fill(marker);
  await page.getByRole("button", { name: "Skicka rapport" }).click();
  // Honest: not "saved on the phone" (the network was up), but "the answer was lost".
  await page.getByRole("heading", { name: "Svaret kom bort" }).waitFor();
  await flushQueue(page);
  await page.getByText(/nr \d+ · (Ny|Tilldelad)/).first().waitFor();
  assert.equal(dropped, 1);
  assert.equal((await countWithText(marker)).length, 1);
  await context.close();
});
