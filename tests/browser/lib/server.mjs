// Starts the real trygg binary on a free port with a fresh database, for browser tests.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const BIN = process.env.TRYGG_BIN || path.resolve("../../build/trygg");
export const ARTIFACTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export async function startServer({ config = "" } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "trygg-browser-"));
  const db = path.join(dir, "trygg.db");
  const env = { ...process.env, TRYGG_DATA_DIR: path.join(dir, "files") };
  // Staff passwords at a low argon2 cost so that the tests run fast; the
  // production default is checked in tests/unit/test_accounts.c.
  const cfg = path.join(dir, "trygg.conf");
  (await import("node:fs")).writeFileSync(
    cfg, "password_hash_memory_kib = 256\npassword_hash_iterations = 1\n" + config);
  env.TRYGG_CONFIG = cfg;
  execFileSync(BIN, ["seed-demo", "--db", db], { env, stdio: "ignore" });
  const port = await freePort();
  const logPath = path.join(dir, "server.log");
  const log = (await import("node:fs")).openSync(logPath, "a");
  const proc = spawn(BIN, ["serve", "--listen", `127.0.0.1:${port}`, "--db", db], { env, stdio: ["ignore", log, log] });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      const r = await fetch(base + "/healthz");
      if (r.ok) break;
    } catch (e) { /* not yet */ }
    if (Date.now() > deadline) throw new Error("server did not start: " + readFileSync(logPath, "utf8"));
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base, db, dir, proc,
    log: () => readFileSync(logPath, "utf8"),
    async api(pathname, opts = {}) {
      const r = await fetch(base + pathname, opts);
      const text = await r.text();
      let json = null;
      try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
      return { status: r.status, json, text };
    },
    cli(args, input) { return execFileSync(BIN, [...args, "--db", db], { env, encoding: "utf8", input }); },
    addUser(username, role, password = "correct horse battery staple", unit) {
      const args = ["user", "add", "--username", username, "--role", role];
      if (unit) args.push("--unit", unit);
      return this.cli(args, password + "\n");
    },
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
      const text = readFileSync(logPath, "utf8");
      rmSync(dir, { recursive: true, force: true });
      if (/AddressSanitizer|runtime error:|LeakSanitizer/.test(text)) {
        throw new Error("sanitizer report in the server log:\n" + text.slice(-4000));
      }
    },
  };
}

// Debian's Chromium, driven by playwright-core (no browser download).
export async function launchBrowser() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

// A phone: 360x640 (mid-range Android), touch, geolocation in central Borås.
export const PHONE = {
  viewport: { width: 360, height: 640 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: "sv-SE",
  geolocation: { latitude: 57.7210, longitude: 12.9401, accuracy: 12 },
  permissions: ["geolocation"],
};

// Runs axe-core with the WCAG 2.1 A/AA rules; returns the violations.
export async function axe(page) {
  const src = readFileSync(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  // The page's CSP forbids inline scripts; DevTools' evaluate is not subject to it.
  await page.evaluate(src);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
}
