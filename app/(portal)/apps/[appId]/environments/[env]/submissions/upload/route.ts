/**
 * The portal's upload endpoint (the upload form posts here with XHR for progress;
 * server actions would refuse big bodies with Next's own 500). Signed-in partners only,
 * same-origin only: a cookie-authenticated multipart POST is a "simple" request any
 * site could send, so the Origin must be ours (CSRF).
 */
import { headers } from "next/headers";
import { getDb } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { requireApiUser } from "@/lib/auth/session";
import { isOwnOrigin } from "@/lib/auth/origin";
import { getConfig } from "@/lib/config";
import { apiSegments } from "@/lib/http/route-params";
import { enforceRateLimit } from "@/lib/rate-limit/http";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { createSubmission } from "@/lib/submissions/create-submission";
import { toVerdictJson } from "@/lib/policy/verdict-json";
import { HttpProblem, json, withProblems } from "@/lib/submissions/http/problem";
import { readUpload } from "@/lib/submissions/http/read-upload";

export const dynamic = "force-dynamic";

type Params = { appId: string; env: string };

/**
 * Issue 10: the Origin must be the configured public URL's. Host and X-Forwarded-Host are
 * not compared: a client sets them, so "Origin: https://evil.example" with
 * "X-Forwarded-Host: evil.example" passed the old check.
 */
function sameOrigin(request: Request): boolean {
  return isOwnOrigin(request.headers.get("origin"), getConfig().publicUrl);
}

export async function POST(request: Request, context: { params: Promise<Params> }): Promise<Response> {
  return withProblems(request, async () => {
    if (!sameOrigin(request)) throw new HttpProblem(403, "forbidden", "Uploads must come from the Certdesk portal's own pages.");
    const user = await requireApiUser();
    // Issue 10: uploads count against the signed-in user and the client address, like API calls.
    await enforceRateLimit(await getDb(), { user: user.id, ip: clientIpFrom(request.headers) });
    const { appId, env } = apiSegments(await context.params, { appId: "uuid", env: "environment-key" });
    const upload = await readUpload(request, { textFields: ["purpose", "replaces"] });
    const h = await headers();
    const result = await createSubmission(
      { db: await getDb(), storage: getStorage() },
      {
        actor: { kind: "user", user, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } },
        appId,
        environmentKey: env,
        purpose: upload.fields.get("purpose"),
        // Issue 14: "Renew" names the certificate this upload renews.
        replacesCertificateId: upload.fields.get("replaces"),
        files: upload.files,
        idempotencyKey: request.headers.get("idempotency-key"),
      },
    );
    switch (result.outcome) {
      case "created":
      case "existing":
        return json({ id: result.submission.id, status: result.submission.status }, { status: result.outcome === "created" ? 201 : 200 });
      case "refused":
      case "rejected":
        throw new HttpProblem(422, "upload-refused", "The upload was refused and nothing of it was stored.", { verdict: toVerdictJson(result.verdict) });
      default: {
        const never: never = result;
        throw new Error(`unhandled outcome ${JSON.stringify(never)}`);
      }
    }
  });
}
