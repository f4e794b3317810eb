import type { NextConfig } from "next";

/**
 * Headers that are the same on every response. The Content-Security-Policy needs a
 * fresh nonce per request and HSTS depends on the public URL, so both are set in
 * proxy.ts instead.
 */
const staticSecurityHeaders = [
  // Stops browsers from sniffing an uploaded .pem served as text into HTML/script.
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // Legacy twin of CSP frame-ancestors 'none' (clickjacking on the approve button).
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  // OpenNext packages the standalone output for Lambda; nothing may be written at run
  // time outside /tmp and the local data dir.
  output: "standalone",
  poweredByHeader: false,
  // The trace follows dynamic fs reads (migrations, program files) and so copied whole folders,
  // tests and test factories included, into the standalone output that OpenNext ships to Lambda.
  // None of these run in production; keeping them out also keeps test keys and corpora off servers.
  outputFileTracingExcludes: {
    "*": ["**/*.test.ts", "**/*.test.tsx", "**/*.spec.ts", "lib/**/testing.ts", "lib/**/testing/**", "e2e/**", "cli/**", "scripts/**", ".certdesk*/**", "infra/**"],
  },
  // `npm run typecheck` checks the whole project (tests included) as its own step of
  // `npm test`; the build must not fail on a test file's type error.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  // PGlite ships WASM + data files, s3rver and the Encryption SDK use Node internals:
  // load them from node_modules at run time instead of bundling them.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pg",
    "s3rver",
    "@aws-crypto/client-node",
    "@aws-sdk/client-s3",
    "@aws-sdk/client-kms",
  ],
  experimental: {
    // forbidden() + app/forbidden.tsx: a wrong role gets a real 403 page, not a redirect.
    authInterrupts: true,
    serverActions: {
      // Uploads are capped at 10 MB by the domain; the transport limit sits above that
      // so the app (not Next's generic 500) answers oversize files with a clear message.
      bodySizeLimit: "12mb",
    },
    // proxy.ts buffers request bodies; a smaller buffer would silently truncate uploads.
    proxyClientMaxBodySize: "13mb",
  },
  async headers() {
    return [{ source: "/:path*", headers: staticSecurityHeaders }];
  },
};

export default nextConfig;
