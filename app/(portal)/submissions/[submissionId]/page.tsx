import { notFound, redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { requireUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/auth/app-error";
import { pageSegments } from "@/lib/http/route-params";
import { getSubmission } from "@/lib/submissions/get-submission";

/**
 * Issue 16 item 8: a submission by its id alone (audit trail, notifications, anywhere an id is
 * shown) — redirects to its page under its app and environment. Scoped like the page itself:
 * another organisation's id is a 404.
 */
export default async function SubmissionByIdPage({ params }: { params: Promise<{ submissionId: string }> }) {
  const user = await requireUser();
  const { submissionId } = pageSegments(await params, { submissionId: "uuid" });
  let target: string;
  try {
    const view = await getSubmission({ db: await getDb() }, { actor: { kind: "user", user }, submissionId });
    target = `/apps/${view.app.id}/environments/${encodeURIComponent(view.environment.key)}/submissions/${view.id}`;
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  redirect(target);
}
