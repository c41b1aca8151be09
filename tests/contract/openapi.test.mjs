// contract.openapi — the one OpenAPI document of trygg (web/openapi.json):
//  1. is what doc/openapi/make_openapi.py writes (no hand edits drift from it);
//  2. passes @redocly/cli lint;
//  3. describes every response the HTTP tests saw (recorded by tests/http/trygg_server.py
//     into $TRYGG_RESPONSE_DIR): each JSON answer of /api/v1, /open311 and /ogc must match
//     an operation and validate against its response schema (ajv);
//  4. Open311 JSON answers also validate against the GeoReport v2 schemas in open311/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env.TRYGG_SOURCE_DIR || path.join(here, "..", "..");
const docPath = path.join(root, "web", "openapi.json");
const doc = JSON.parse(readFileSync(docPath, "utf8"));

test("web/openapi.json is what doc/openapi/make_openapi.py writes", () => {
  const fresh = execFileSync("python3", [path.join(root, "doc", "openapi", "make_openapi.py"), "--stdout"],
                             { encoding: "utf8" });
  assert.equal(readFileSync(docPath, "utf8"), fresh, "run python3 doc/openapi/make_openapi.py");
});

test("the OpenAPI document passes @redocly/cli lint", () => {
  const bin = path.join(here, "node_modules", ".bin", "redocly");
  let out;
  try {
    out = execFileSync(bin, ["lint", docPath, "--config", path.join(here, "redocly.yaml")],
                       { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    assert.fail("redocly lint failed:\n" + (e.stdout || "") + (e.stderr || ""));
  }
  console.log(out.trim().split("\n").slice(-3).join("\n"));
});

// Path templates as regular expressions, most literal first.
const operations = [];
for (const [p, item] of Object.entries(doc.paths)) {
  const names = [];
  const re = new RegExp("^" + p.replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\{([^}]+)\}/g, (_, n) => { names.push(n); return n === "format" ? "([^/.]+)" : "([^/]+?)"; }) + "$");
  const literal = p.replace(/\{[^}]+\}/g, "").length;
  for (const [method, op] of Object.entries(item))
    operations.push({ path: p, method: method.toUpperCase(), re, op, literal });
}
operations.sort((a, b) => b.literal - a.literal);

function findOperation(method, urlPath) {
  const m = method === "HEAD" ? "GET" : method;
  return operations.find((o) => o.method === m && o.re.test(urlPath === "/ogc/" ? "/ogc" : urlPath));
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc, "openapi");
const o311 = {};
for (const f of readdirSync(path.join(here, "open311"))) {
  const s = JSON.parse(readFileSync(path.join(here, "open311", f), "utf8"));
  ajv.addSchema(s);
  o311[s.$id] = s.$id;
}
const pointer = (s) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const cache = new Map();
function validatorFor(op, status, type) {
  const responses = op.op.responses;
  const code = responses[String(status)] ? String(status) : "default";
  const content = responses[code] && responses[code].content;
  if (!content) return { error: `no response ${status} documented` };
  const ct = content[type] ? type : Object.keys(content).find((k) => k.endsWith("json"));
  if (!ct) return { error: `no JSON content for ${status}` };
  const ref = `openapi#/paths/${pointer(op.path)}/${op.method.toLowerCase()}/responses/${code}/content/${pointer(ct)}/schema`;
  if (!cache.has(ref)) cache.set(ref, ajv.compile({ $ref: ref }));
  return { validate: cache.get(ref), ref };
}

function open311Schema(method, urlPath, status) {
  if (!urlPath.startsWith("/open311/v2/") || !urlPath.endsWith(".json")) return null;
  if (status >= 400) return "open311-errors";
  if (method === "POST") return "open311-post-response";
  if (/^\/open311\/v2\/services\.json$/.test(urlPath)) return "open311-services";
  if (/^\/open311\/v2\/services\/[^/]+\.json$/.test(urlPath)) return "open311-service-definition";
  if (/^\/open311\/v2\/requests(\/[^/]+)?\.json$/.test(urlPath)) return "open311-requests";
  return null;
}

test("every response the HTTP tests saw is described by the OpenAPI document", () => {
  const dir = process.env.TRYGG_RESPONSE_DIR;
  assert.ok(dir && existsSync(dir), "set TRYGG_RESPONSE_DIR to the folder the HTTP tests wrote");
  const files = readdirSync(dir).filter((f) => f.endsWith(".jsonl"));
  assert.ok(files.length >= 5, `only ${files.length} response logs in ${dir}`);
  let checked = 0, o311checked = 0;
  const problems = [];
  for (const f of files) {
    for (const line of readFileSync(path.join(dir, f), "utf8").split("\n")) {
      if (!line) continue;
      const r = JSON.parse(line);
      if (!/^\/(api\/v1\/|open311\/|ogc|healthz)/.test(r.path)) continue;
      if (r.body === null && r.status === 204) continue;
      const op = findOperation(r.method, r.path);
      if (!op) {
        if (r.status === 404 || r.status === 405) continue; // an unknown path or method
        problems.push(`${f}: ${r.method} ${r.path} ${r.status}: no operation`);
        continue;
      }
      const v = validatorFor(op, r.status, r.type);
      if (v.error) { problems.push(`${f}: ${r.method} ${r.path}: ${v.error}`); continue; }
      if (!v.validate(r.body))
        problems.push(`${f}: ${r.method} ${r.path} ${r.status}: ${ajv.errorsText(v.validate.errors)}`);
      checked++;
      const s = open311Schema(r.method, r.path, r.status);
      if (s) {
        if (!ajv.validate(s, r.body))
          problems.push(`${f}: ${r.method} ${r.path} ${r.status} (${s}): ${ajv.errorsText(ajv.errors)}`);
        o311checked++;
      }
    }
  }
  console.log(`validated ${checked} responses against the OpenAPI document, ${o311checked} against the Open311 schemas`);
  assert.ok(checked > 500, `only ${checked} responses checked`);
  assert.ok(o311checked > 10, `only ${o311checked} Open311 responses checked`);
  assert.deepEqual(problems.slice(0, 40), [], problems.length + " responses do not match");
});
