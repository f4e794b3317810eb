import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { readFileSync } from "node:fs";

/**
 * The Drizzle table objects of lib/db/schema.ts, read from the source so a new table is
 * covered the day it is added. Pages and route handlers may open the database (getDb is the
 * composition root) but never query it: read models and commands live in lib/<domain>.
 */
const TABLES = [...readFileSync(new URL("./lib/db/schema.ts", import.meta.url), "utf8").matchAll(/^export const (\w+)\s*=\s*pgTable\(/gm)].map((m) => m[1]);
/** Folders of lib/ that are not the pure engine (lib/pki ← lib/intake ← lib/policy). */
const SERVICE_DOMAINS = "db|storage|auth|submissions|reviews|scheduling|jobs|audit|admin|notifications|embedded|config|ca|expiry|gateway|http|revocation|pki-fetch|rate-limit";
const PURE = "lib/pki, lib/intake and lib/policy are pure (bytes in, coded findings out; clock and crypto injected): no Next, React, database, AWS or service-domain imports (see docs/architecture.md).";
/** `no-restricted-imports` patterns keeping a pure folder pure; `above` lists the pure folders it must not import either. */
const pureImports = (above) => [
  { group: ["next", "next/*", "react", "react-dom", "server-only", "drizzle-orm", "drizzle-orm/*", "pg", "@electric-sql/*", "s3rver", "@aws-sdk/*", "@aws-crypto/*"], message: PURE },
  { regex: `^(@/lib/|(\\.\\./)+)(${[SERVICE_DOMAINS, ...above].join("|")})(/|$)`, message: PURE },
];
const NO_QUERIES_IN_APP = "app/ renders and calls lib/<domain>; put the query in a read model next to its domain (see docs/architecture.md).";

export default tseslint.config(
  { ignores: ["node_modules", ".next", ".certdesk", ".certdesk-*", "**/*.tmp.ts", ".sst", "lib/db/migrations", "next-env.d.ts", "test-results", "playwright-report"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
    },
  },
  {
    // Tests under app/ arrange database state directly, as lib tests do; only shipped code is held to this.
    files: ["app/**/*.ts", "app/**/*.tsx"],
    ignores: ["app/**/*.test.ts", "app/**/*.test.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "drizzle-orm", message: NO_QUERIES_IN_APP },
            { name: "@/lib/db", importNames: TABLES, message: NO_QUERIES_IN_APP },
            { name: "@/lib/db/schema", message: NO_QUERIES_IN_APP },
          ],
          patterns: [{ group: ["drizzle-orm/*", "**/lib/db/schema"], message: NO_QUERIES_IN_APP }],
        },
      ],
    },
  },
  // The pure engine: lib/pki imports nothing of Certdesk's; lib/intake only lib/pki; lib/policy lib/pki and lib/intake.
  // Tests may reach across (a fuzz test drives intake through the policy engine).
  { files: ["lib/pki/**/*.ts"], ignores: ["**/*.test.ts"], rules: { "no-restricted-imports": ["error", { patterns: pureImports(["intake", "policy"]) }] } },
  { files: ["lib/intake/**/*.ts"], ignores: ["**/*.test.ts"], rules: { "no-restricted-imports": ["error", { patterns: pureImports(["policy"]) }] } },
  { files: ["lib/policy/**/*.ts"], ignores: ["**/*.test.ts"], rules: { "no-restricted-imports": ["error", { patterns: pureImports([]) }] } },
);
