/**
 * Issue 10, item 5: no 500 for bad input, anywhere. Walks EVERY route of the app, found
 * from the `app/` tree (so a new page or route handler is fuzzed without touching this
 * file), against the running e2e portal with hostile path segments, methods, bodies and
 * query strings, as four personas (signed out, partner, admin, API token), plus every
 * server action of the build posted from a foreign Origin and forged action ids.
 *
 * It asserts that nothing answers 5xx, and that the partner API answers its errors as
 * application/problem+json. The request count is printed (the closing note quotes it).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { signInOverHttp } from "./http-sign-in";

const APP_DIR = path.join(process.cwd(), "app");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

type Segment = { kind: "static"; value: string } | { kind: "dynamic"; name: string; catchAll: boolean };
type Route = { segments: Segment[]; kind: "page" | "handler"; methods: string[]; file: string };

/** Every page and route handler under app/, as Next maps folders to URLs. */
function discoverRoutes(dir = APP_DIR, segments: Segment[] = []): Route[] {
  const routes: Route[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      // Private folders (_components, _data) and parallel-route slots are not URL segments of their own.
      if (entry.startsWith("_") || entry.startsWith("@")) continue;
      if (entry.startsWith("(") && entry.endsWith(")")) {
        routes.push(...discoverRoutes(full, segments));
        continue;
      }
      const dynamic = /^\[(\[)?(\.\.\.)?([^\]]+)\]\]?$/.exec(entry);
      const segment: Segment = dynamic ? { kind: "dynamic", name: dynamic[3]!, catchAll: Boolean(dynamic[2]) } : { kind: "static", value: entry };
      routes.push(...discoverRoutes(full, [...segments, segment]));
      continue;
    }
    if (/^page\.(tsx|ts|jsx|js)$/.test(entry)) routes.push({ segments, kind: "page", methods: ["GET"], file: path.relative(process.cwd(), full) });
    if (/^route\.(ts|js)$/.test(entry)) {
      const source = readFileSync(full, "utf8");
      const methods = HTTP_METHODS.filter((m) => new RegExp(`export\\s+(async\\s+)?(function|const)\\s+${m}\\b`).test(source));
      routes.push({ segments, kind: "handler", methods, file: path.relative(process.cwd(), full) });
    }
  }
  return routes;
}

/**
 * Hostile segment values, as they appear on the wire (already percent-encoded where
 * needed): NUL, lone and malformed percent-encoding, overlong UTF-8, traversal,
 * encoded slashes, a very long value, SQL and markup, and look-alike ids.
 */
const HOSTILE_SEGMENTS = [
  "a%00b",
  "%",
  "%E0%A4%A",
  "%C0%AF",
  "%2e%2e",
  "%0d%0a'%20or%201=1--%3Cscript%3E",
  "x".repeat(2000),
  "00000000-0000-4000-8000-00000000000G",
  "PRODUCTION",
];

const HOSTILE_QUERIES = ["?page=-1&sort=%00&status=%", "?page=99999999999999999999&q=%E0%A4%A", "?callbackUrl=%2F%5Cevil.example&from=%00&to=%"];

/** Bodies for the methods that take one. */
const HOSTILE_BODIES: { name: string; headers: Record<string, string>; data: string | Buffer }[] = [
  { name: "broken json", headers: { "content-type": "application/json" }, data: '{"a":' },
  { name: "nul json", headers: { "content-type": "application/json" }, data: '{"name":"a\\u0000b","id":"%"}' },
  { name: "bad multipart", headers: { "content-type": "multipart/form-data; boundary=xyz" }, data: "--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a\u0000.pem\"\r\n\r\n\u0000\u0001\r\n--xy" },
  { name: "multipart no boundary", headers: { "content-type": "multipart/form-data" }, data: "garbage" },
  { name: "urlencoded", headers: { "content-type": "application/x-www-form-urlencoded" }, data: "name=%00&tokenId=%&purpose=%E0%A4%A" },
  { name: "binary", headers: { "content-type": "application/octet-stream" }, data: Buffer.from([0, 0xff, 0xfe, 0x25, 0]) },
];

type Persona = { name: string; request: APIRequestContext; headers: Record<string, string> };
type Failure = string;

test("route fuzzer: every route, hostile segments, methods and bodies, as every persona: no 5xx", async ({ playwright, baseURL }) => {
  test.setTimeout(540_000);
  const routes = discoverRoutes();
  // The tree must have been walked for real: the portal has pages, API routes and dynamic segments.
  expect(routes.filter((r) => r.kind === "page").length).toBeGreaterThan(15);
  expect(routes.filter((r) => r.kind === "handler").length).toBeGreaterThan(8);
  expect(routes.filter((r) => r.segments.some((s) => s.kind === "dynamic")).length).toBeGreaterThan(8);

  const token = "certdesk_demo_acme";
  const anonymous = await playwright.request.newContext({ baseURL });
  const apiToken = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const signedIn = async (email: string) => {
    const request = await playwright.request.newContext({ baseURL });
    await signInOverHttp(request, email);
    return request;
  };
  const personas: Persona[] = [
    { name: "anonymous", request: anonymous, headers: {} },
    { name: "api-token", request: apiToken, headers: {} },
    { name: "partner", request: await signedIn("partner@acme.test"), headers: {} },
    { name: "admin", request: await signedIn("admin@certdesk.test"), headers: {} },
  ];

  // Real values for the segments a request is not fuzzing, so the hostile one is reached.
  const apps = (await (await apiToken.get("/api/v1/apps")).json()) as { apps: { id: string; environments: { key: string }[] }[] };
  const valid: Record<string, string> = {
    appId: apps.apps[0]!.id,
    env: apps.apps[0]!.environments.at(-1)!.key,
    id: "00000000-0000-4000-8000-000000000001",
    submissionId: "00000000-0000-4000-8000-000000000001",
    fileId: "00000000-0000-4000-8000-000000000002",
    environmentKey: apps.apps[0]!.environments.at(-1)!.key,
    certificateId: "00000000-0000-4000-8000-000000000003",
    programId: "ca-chain",
    nextauth: "session",
  };
  const urlOf = (route: Route, override?: { index: number; value: string }) =>
    "/" +
    route.segments
      .map((s, i) => (override?.index === i ? override.value : s.kind === "static" ? s.value : (valid[s.name] ?? "x")))
      .join("/");

  let count = 0;
  const statuses = new Map<number, number>();
  const failures: Failure[] = [];
  const notProblem: Failure[] = [];
  const send = async (persona: Persona, method: string, url: string, body?: (typeof HOSTILE_BODIES)[number], extra: Record<string, string> = {}): Promise<APIResponse | null> => {
    count++;
    let response: APIResponse | null = null;
    let lastError: unknown;
    // A server may answer (and close) before reading a body it does not want: a reset
    // while sending is HTTP, not a crash. One retry; a second failure counts.
    for (let attempt = 0; attempt < 2 && !response; attempt++) {
      try {
        response = await persona.request.fetch(url, {
          method,
          headers: { ...persona.headers, ...(body?.headers ?? {}), ...extra },
          data: body?.data,
          maxRedirects: 0,
          failOnStatusCode: false,
          timeout: 30_000,
        });
      } catch (error) {
        lastError = error;
      }
    }
    if (!response) {
      failures.push(`${persona.name} ${method} ${url.slice(0, 120)}${body ? ` [${body.name}]` : ""} → no answer (${(lastError as Error).message.split("\n")[0]})`);
      return null;
    }
    statuses.set(response.status(), (statuses.get(response.status()) ?? 0) + 1);
    if (response.status() >= 500) failures.push(`${persona.name} ${method} ${url.slice(0, 120)}${body ? ` [${body.name}]` : ""} → ${response.status()}`);
    return response;
  };

  const jobs: (() => Promise<void>)[] = [];
  for (const route of routes) {
    const dynamicIndexes = route.segments.flatMap((s, i) => (s.kind === "dynamic" ? [i] : []));
    const isApi = route.segments[0]?.kind === "static" && route.segments[0].value === "api" && route.segments[1]?.kind === "static" && route.segments[1].value === "v1";
    // A token means nothing to the pages, a session nothing to the partner API: each is fuzzed as the callers it has.
    const callers = personas.filter((p) => (isApi ? ["anonymous", "api-token"] : ["anonymous", "partner", "admin"]).includes(p.name));
    // Signed out, a hostile segment of a page only meets the sign-in redirect: once is enough.
    const segmentCallers = isApi ? callers : callers.filter((p) => p.name !== "anonymous" || route.kind === "handler");
    // 1. Hostile values in each dynamic segment, with each of the route's methods.
    for (const index of dynamicIndexes) {
      for (const value of HOSTILE_SEGMENTS) {
        const url = urlOf(route, { index, value });
        for (const persona of segmentCallers) {
          for (const method of route.methods.filter((m) => m !== "HEAD" && m !== "OPTIONS")) {
            jobs.push(async () => {
              const response = await send(persona, method, url, method === "GET" ? undefined : HOSTILE_BODIES[0]);
              // The partner API answers every error it produces as a problem document.
              if (response && isApi && route.kind === "handler" && response.status() >= 400 && response.status() !== 405) {
                const type = response.headers()["content-type"] ?? "";
                if (!type.startsWith("application/problem+json")) notProblem.push(`${persona.name} ${method} ${url.slice(0, 120)} → ${response.status()} ${type}`);
              }
            });
          }
        }
      }
    }
    // 2. Every method, and hostile bodies, on the route with valid segments.
    const url = urlOf(route);
    for (const persona of callers) {
      // Every method, body and query as the most privileged caller (who reaches the most code); the basics as the others.
      const privileged = persona.name === (isApi ? "api-token" : "admin");
      for (const method of privileged ? HTTP_METHODS : (["GET", "POST", "DELETE"] as const)) {
        const bodies = method === "GET" || method === "HEAD" || method === "OPTIONS" ? [undefined] : method === "POST" && privileged ? HOSTILE_BODIES : HOSTILE_BODIES.slice(1, 2);
        for (const body of bodies) jobs.push(async () => void (await send(persona, method, url, body)));
      }
      // 3. Hostile query strings on pages and GET handlers.
      if (privileged && route.methods.includes("GET")) for (const q of HOSTILE_QUERIES) jobs.push(async () => void (await send(persona, "GET", url + q)));
    }
  }

  // 4. Server actions: every action of the build from a foreign Origin, plus forged ids.
  const manifestFile = path.join(process.cwd(), ".next", "server", "server-reference-manifest.json");
  const actions: { id: string; page: string }[] = [];
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { node: Record<string, { workers: Record<string, unknown> }> };
    for (const [id, entry] of Object.entries(manifest.node)) {
      const worker = Object.keys(entry.workers)[0] ?? "app/page";
      const pageUrl = "/" + worker.replace(/^app\//, "").replace(/\/page$|^page$/, "").split("/").filter((s) => s && !(s.startsWith("(") && s.endsWith(")"))).map((s) => {
        const m = /^\[(\.\.\.)?([^\]]+)\]$/.exec(s);
        return m ? (valid[m[2]!] ?? "x") : s;
      }).join("/");
      actions.push({ id, page: pageUrl });
    }
  }
  expect(actions.length, "the build's server actions were found").toBeGreaterThan(3);
  const forged = ["0".repeat(42), "7f".repeat(21), "%00", "x".repeat(300)];
  for (const persona of personas.filter((p) => p.name !== "api-token")) {
    for (const action of actions) {
      for (const origin of ["http://evil.example", "null"]) {
        jobs.push(async () => void (await send(persona, "POST", action.page, { name: "action", headers: { "content-type": "text/plain;charset=UTF-8" }, data: '["$K1"]' }, { "next-action": action.id, origin })));
      }
      jobs.push(async () => void (await send(persona, "POST", action.page, HOSTILE_BODIES[4], { "next-action": action.id, origin: new URL(baseURL!).origin })));
    }
    for (const id of forged) jobs.push(async () => void (await send(persona, "POST", "/tokens", { name: "forged action", headers: { "content-type": "text/plain;charset=UTF-8" }, data: "[]" }, { "next-action": id, origin: new URL(baseURL!).origin })));
  }

  // Four at a time: enough to overlap the requests, gentle on two cores.
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < jobs.length) await jobs[next++]!();
  }));

  const fivexx = failures.filter((f) => !f.includes("no answer")).length;
  if (fivexx > 0) {
    // One line per kind of failure (persona and segment value folded), so a regression reads at a glance.
    const kinds = new Map<string, number>();
    for (const f of failures) {
      const kind = f.replace(/^\S+ /, "").replace(/\/[^/ ]*%[^/ ]*/g, "/<hostile>");
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    console.log([...kinds].map(([k, n]) => `  ${n}× ${k}`).join("\n"));
  }
  console.log(`route fuzzer: ${routes.length} routes (${routes.filter((r) => r.kind === "page").length} pages, ${routes.filter((r) => r.kind === "handler").length} handlers), ${actions.length} server actions, ${count} requests, ${fivexx} 5xx, ${failures.length - fivexx} without answer; statuses ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(" ")}`);
  test.info().annotations.push({ type: "route-fuzzer", description: `${count} requests, ${fivexx} 5xx, ${failures.length - fivexx} without answer` });
  expect(failures.slice(0, 40), `${failures.length} of ${count} requests answered 5xx or not at all`).toEqual([]);
  expect(notProblem.slice(0, 20), "partner API errors are application/problem+json").toEqual([]);
  // The portal is still healthy after all of it.
  expect((await anonymous.get("/api/health")).status()).toBe(200);
  for (const p of personas) await p.request.dispose();
});
