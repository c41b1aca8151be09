// Evening use (issue 10) on a phone, 412×915: the dark theme follows the phone's setting and
// can be chosen by hand in each page's header (remembered, set before the first paint);
// axe passes in both themes on every public page and the staff app; at 200 % text nothing
// clips a category name or scrolls sideways (measured); the public map shows the map first
// and folds its filters into a panel.
import { test, before, after } from "node:test";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, PHONE, axe, ARTIFACTS } from "./lib/server.mjs";

const PASSWORD = "correct horse battery staple";
const PHONE_412 = { ...PHONE, viewport: { width: 412, height: 915 } };
let srv, browser, reportId;

before(async () => {
  srv = await startServer();
  srv.addUser("tove", "triage", PASSWORD);
  browser = await launchBrowser();
  // A report with a public answer, for /r/{id} and the staff case page.
  const r = await srv.api("/api/v1/observations", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: randomUUID(), category: "litter", lon: 12.9405, lat: 57.7215,
                           description: "Nedskräpning vid återvinningsstationen bakom fritidsgården" }),
  });
  assert.equal(r.status, 201, r.text);
  reportId = r.json.id;
  const login = await fetch(srv.base + "/api/v1/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "tove", password: PASSWORD }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrf_token: csrf } = await login.json();
  const c = await fetch(`${srv.base}/api/v1/cases/${reportId}/comment`, {
    method: "POST", headers: { Cookie: cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json" },
    body: JSON.stringify({ comment: "Återvinningsstationen töms nu oftare.", public: true }),
  });
  assert.equal(c.status, 200);
});
after(async () => { await browser?.close(); await srv?.stop(); });

function report(v) {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.nodes.join(", ")}`).join("\n");
}

// The relative luminance (WCAG) of a computed CSS colour "rgb(r, g, b)".
function luminance(css) {
  const [r, g, b] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

async function pageColours(page) {
  return page.evaluate(() => {
    const s = getComputedStyle(document.body);
    return { theme: document.documentElement.dataset.theme, bg: s.backgroundColor, ink: s.color };
  });
}

async function loginStaff(page) {
  await page.goto(srv.base + "/staff");
  await page.getByRole("heading", { name: "Logga in" }).waitFor();
  await page.getByLabel("Användarnamn").fill("tove");
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.getByRole("button", { name: "Logga ut" }).waitFor();
}

// Each page in the state that shows the most of it; page is at its url when this returns.
const PAGES = {
  "field app: categories": async (page) => {
    await page.goto(srv.base + "/");
    await page.getByRole("button", { name: "Skräp och nedskräpning" }).waitFor();
  },
  "field app: report form": async (page) => {
    await page.goto(srv.base + "/");
    await page.getByRole("button", { name: "Skräp och nedskräpning" }).click();
    await page.getByText(/ungefär ±12 m/).waitFor();
  },
  "field app on a walk: the audit form": async (page) => {
    await page.goto(srv.base + "/w/NORRBY1");
    await page.getByRole("button", { name: "Gör en trygghetsinventering här" }).click();
    await page.getByRole("heading", { name: "Trygghetsinventering" }).waitFor();
  },
  "public map, filters open": async (page) => {
    await page.goto(srv.base + "/map");
    await page.getByText(/^I kartvyn: /).waitFor();
    const toggle = page.getByRole("button", { name: "Filter" });
    if (await toggle.getAttribute("aria-expanded") !== "true") await toggle.click();
    await page.getByRole("checkbox", { name: "Skräp och nedskräpning" }).waitFor();
  },
  "report page /r/{id}": async (page) => {
    await page.goto(`${srv.base}/r/${reportId}`);
    await page.getByRole("heading", { level: 1, name: `Rapport nr ${reportId} – Skräp och nedskräpning` }).waitFor();
    await page.locator("#r-map .leaflet-interactive").first().waitFor();
  },
  "walks": async (page) => {
    await page.goto(srv.base + "/walks");
    await page.locator("main h1").waitFor();
  },
  "statistics": async (page) => {
    await page.goto(srv.base + "/stats");
    await page.getByRole("heading", { name: "Iakttagelser per period" }).waitFor();
    await page.locator(".chart-plot canvas").first().waitFor();
  },
  "staff case page": async (page) => {
    await loginStaff(page);
    await page.goto(`${srv.base}/staff#/case/${reportId}`);
    await page.getByRole("heading", { level: 1, name: new RegExp(`${reportId}.*Skräp och nedskräpning`) }).waitFor();
    await page.locator("form[data-form=state]").waitFor();
  },
};

test("the theme follows the phone's setting, also when it changes while the page is open", async () => {
  const context = await browser.newContext({ ...PHONE_412, colorScheme: "dark" });
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).waitFor();
  let c = await pageColours(page);
  assert.equal(c.theme, "dark");
  assert.ok(luminance(c.bg) < 0.05 && luminance(c.ink) > 0.6, JSON.stringify(c));
  assert.equal(await page.getByLabel("Tema").inputValue(), "auto");
  await page.emulateMedia({ colorScheme: "light" });
  await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
  c = await pageColours(page);
  assert.ok(luminance(c.bg) > 0.9 && luminance(c.ink) < 0.05, JSON.stringify(c));
  await context.close();
});

test("the theme chosen by hand is set before the first paint, remembered over a reload, and 'Automatiskt' follows the phone again", async () => {
  const context = await browser.newContext({ ...PHONE_412, colorScheme: "light" });
  // What the first frame of each page load sees (rAF callbacks run before the frame is painted).
  await context.addInitScript(() => {
    requestAnimationFrame(() => {
      window.firstFrame = { theme: document.documentElement.dataset.theme,
                            bg: document.body ? getComputedStyle(document.body).backgroundColor : null };
    });
  });
  const page = await context.newPage();
  await page.goto(srv.base + "/map");
  // theme.js is a blocking script in <head>, before the style sheets.
  assert.ok(await page.evaluate(() => {
    const s = document.querySelector('head script[src="/static/theme.js"]');
    const css = document.querySelector('head link[rel="stylesheet"]');
    return !!s && !s.defer && !s.async && s.type === "" &&
      !!(s.compareDocumentPosition(css) & Node.DOCUMENT_POSITION_FOLLOWING);
  }), "theme.js blocks rendering and comes first");
  assert.equal((await pageColours(page)).theme, "light");

  await page.getByLabel("Tema").selectOption({ label: "Mörkt" });
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  const dark = await pageColours(page);
  assert.ok(luminance(dark.bg) < 0.05, dark.bg);

  await page.reload();
  await page.getByText(/^I kartvyn: /).waitFor();
  assert.equal((await pageColours(page)).theme, "dark");
  assert.equal(await page.getByLabel("Tema").inputValue(), "dark");
  const first = await page.evaluate(() => window.firstFrame);
  assert.ok(first, "a frame was drawn");
  assert.equal(first.theme, "dark", "the first frame is already dark: " + JSON.stringify(first));
  if (first.bg) assert.ok(luminance(first.bg) < 0.05, "no white flash: " + first.bg);

  // The choice holds on the other pages of the site too.
  await page.goto(srv.base + "/stats");
  assert.equal((await pageColours(page)).theme, "dark");
  assert.equal(await page.getByLabel("Tema").inputValue(), "dark");

  await page.getByLabel("Tema").selectOption({ label: "Automatiskt" });
  await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
  assert.equal(await page.evaluate(() => localStorage.getItem("trygg.theme")), null);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await context.close();
});

for (const [name, open] of Object.entries(PAGES)) {
  test(`axe passes in both themes on the ${name}: light, dark from the phone, dark by the toggle`, async () => {
    for (const how of ["light", "dark (phone)", "dark (toggle)"]) {
      const context = await browser.newContext({ ...PHONE_412, colorScheme: how === "dark (phone)" ? "dark" : "light" });
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await open(page);
      if (how === "dark (toggle)") {
        await page.getByLabel("Tema").selectOption({ label: "Mörkt" });
        await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
      }
      const colours = await pageColours(page);
      assert.equal(colours.theme, how === "light" ? "light" : "dark");
      assert.ok(how === "light" ? luminance(colours.bg) > 0.9 : luminance(colours.bg) < 0.05, JSON.stringify(colours));
      const v = await axe(page);
      if (how !== "dark (phone)") {
        await page.screenshot({ path: path.join(ARTIFACTS, `theme-${name.replace(/\W+/g, "-")}-${how.replace(/\W+/g, "-").replace(/-$/, "")}.png`), fullPage: true });
      }
      assert.equal(v.length, 0, `${name}, ${how}:\n` + report(v));
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
}

test("axe passes on the staff app at a desktop in the dark: the queue with its map and the case page", async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "sv-SE", colorScheme: "dark" });
  const page = await context.newPage();
  await loginStaff(page);
  await page.locator("table.cases tbody tr").first().waitFor();
  assert.equal((await pageColours(page)).theme, "dark");
  let v = await axe(page);
  assert.equal(v.length, 0, "queue:\n" + report(v));
  await page.goto(`${srv.base}/staff#/case/${reportId}`);
  await page.locator("form[data-form=state]").waitFor();
  v = await axe(page);
  assert.equal(v.length, 0, "case:\n" + report(v));
  await page.screenshot({ path: path.join(ARTIFACTS, "theme-staff-desktop-dark.png") });
  await context.close();
});

/*
 * Measures, in the page, every visible text: its line boxes must lie inside the box of
 * each element that contains it (up to <body>) and inside the viewport, horizontally; and
 * the document must not scroll sideways. Text on the map itself (Leaflet's panes and
 * controls, placed by Leaflet), visually hidden text and the off-screen skip link are
 * left out. Returns the figures and the offenders.
 */
function measureOverflow() {
  const vw = document.documentElement.clientWidth;
  const out = { fontSize: getComputedStyle(document.documentElement).fontSize, viewport: vw,
                scrollWidth: document.documentElement.scrollWidth, bodyScrollWidth: document.body.scrollWidth,
                texts: 0, clipped: [], scrolling: new Set() };
  const left = (e) => e.closest(".leaflet-container, .visually-hidden, .skip, select, option, script, style, template");
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    const p = n.parentElement;
    if (!text || !p || left(p) || !p.checkVisibility({ visibilityProperty: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const lines = [...range.getClientRects()].filter((q) => q.width > 0);
    if (!lines.length) continue;
    out.texts++;
    let bad = null, scroller = null;
    for (let a = p; !bad && a && a !== document.documentElement; a = a.parentElement) {
      // A data table may scroll sideways inside its own region (WCAG 1.4.10 allows it): the
      // text is reachable there; the region itself must then fit the page.
      const ox = getComputedStyle(a).overflowX;
      if (a !== p && (ox === "auto" || ox === "scroll")) {
        const b = a.getBoundingClientRect();
        if (b.left < -1 || b.right > vw + 1) bad = `its scrolling region ${name(a)} runs out of the viewport`;
        scroller = a;
        out.scrolling.add(name(a));
        break;
      }
      const b = a.getBoundingClientRect();
      for (const q of lines) {
        if (q.left < b.left - 1 || q.right > b.right + 1) {
          bad = `runs out of ${name(a)} (text ${Math.round(q.left)}..${Math.round(q.right)}, box ${Math.round(b.left)}..${Math.round(b.right)})`;
          break;
        }
      }
    }
    if (!scroller) {
      for (const q of lines) if (!bad && (q.left < -1 || q.right > vw + 1)) bad = `outside the viewport (${Math.round(q.left)}..${Math.round(q.right)} of ${vw})`;
    }
    if (bad) out.clipped.push(`"${text.slice(0, 40)}" in ${name(p)}: ${bad}`);
  }
  out.scrolling = [...out.scrolling];
  return out;
}

const AT_200 = Object.keys(PAGES);
for (const name of AT_200) {
  test(`200 % text at 412 px: no text runs out of its box and nothing scrolls sideways on the ${name}`, async () => {
    const context = await browser.newContext(PHONE_412);
    const page = await context.newPage();
    await PAGES[name](page);
    const before = await page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
    await page.evaluate(() => { document.documentElement.style.fontSize = "200%"; });
    // Wait for the layout at the new size (two frames), then measure.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const m = await page.evaluate(measureOverflow);
    console.log(`${name}: root font ${before} -> ${m.fontSize}; document ${m.scrollWidth} px wide (body ${m.bodyScrollWidth}) in a ${m.viewport} px viewport; ${m.texts} texts measured, ${m.clipped.length} run out; tables scrolling in their own region: ${m.scrolling.join(", ") || "none"}`);
    await page.screenshot({ path: path.join(ARTIFACTS, `text200-${name.replace(/\W+/g, "-")}.png`), fullPage: true });
    assert.equal(m.fontSize, "32px");
    assert.ok(m.texts > 10, "measured something: " + m.texts);
    assert.deepEqual(m.clipped, []);
    assert.ok(m.scrollWidth <= m.viewport, `no sideways scroll: ${m.scrollWidth} > ${m.viewport}`);
    if (name === "field app: categories") {
      // Each category name inside its button, by its bounding box.
      const names = await page.evaluate(() => [...document.querySelectorAll("#categories button.category")].map((b) => {
        const s = b.querySelector("span").getBoundingClientRect(), r = b.getBoundingClientRect();
        return { name: b.textContent.trim(), inside: s.left >= r.left && s.right <= r.right && s.top >= r.top && s.bottom <= r.bottom,
                 scroll: b.scrollWidth <= b.clientWidth };
      }));
      assert.ok(names.length >= 10, "all categories: " + names.length);
      assert.deepEqual(names.filter((x) => !x.inside || !x.scroll), []);
    }
    await context.close();
  });
}

test("the public map on a phone: the map first, the filters in a panel that opens and closes; the map works either way", async () => {
  const context = await browser.newContext(PHONE_412);
  const page = await context.newPage();
  await page.goto(`${srv.base}/map?lat=57.72150&lon=12.94050&z=15`);
  await page.getByText(/^I kartvyn: /).waitFor();
  const map = page.locator("#map"); // (its section has the same name)
  const toggle = page.getByRole("button", { name: "Filter" });
  const lighting = page.getByRole("checkbox", { name: "Belysning" });
  const mapBox = await map.boundingBox(), toggleBox = await toggle.boundingBox();
  assert.ok(mapBox.y < toggleBox.y, `map (${mapBox.y}) above the filters (${toggleBox.y})`);
  assert.ok(mapBox.y < 915 / 2 && mapBox.height >= 320, "the map is in the first screen: " + JSON.stringify(mapBox));
  // In reading order too: the map's region comes before the filters.
  assert.ok(await page.evaluate(() => !!(document.getElementById("map").compareDocumentPosition(document.getElementById("filters-toggle"))
    & Node.DOCUMENT_POSITION_FOLLOWING)));
  // Closed by default on a phone.
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.equal(await toggle.getAttribute("aria-controls"), "filters-panel");
  assert.ok(await lighting.isHidden());

  // The map works with the panel closed: zoom in.
  await page.getByRole("button", { name: "Zoom in" }).click();
  await page.waitForURL(/z=16/);

  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  await lighting.waitFor();
  assert.deepEqual(await axe(page), []);
  // ... and with it open: a filter changes what the map shows, and zooming still works.
  await lighting.uncheck();
  await page.waitForURL(/category=/);
  await page.getByRole("button", { name: "Zoom out" }).click();
  await page.waitForURL(/z=15/);
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await lighting.waitFor({ state: "hidden" });
  // The summary stays in view when the panel is closed.
  assert.ok(await page.getByText(/^I kartvyn: |^Inga rapporter/).isVisible());
  await context.close();

  // On a desktop the panel starts open, beside the map.
  const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "sv-SE" });
  const dpage = await desk.newPage();
  await dpage.goto(srv.base + "/map");
  const dtoggle = dpage.getByRole("button", { name: "Filter" });
  await dpage.getByRole("checkbox", { name: "Belysning" }).waitFor();
  assert.equal(await dtoggle.getAttribute("aria-expanded"), "true");
  const dm = await dpage.locator("#map").boundingBox();
  const dt = await dtoggle.boundingBox();
  assert.ok(dt.x > dm.x + dm.width - 1, "the filters beside the map");
  await desk.close();
});
