import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "cli/**/*.test.ts", "infra/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts"],
    // PGlite and RSA key generation make some files slow to start; two cores here.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
