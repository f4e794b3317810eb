import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { PageHeader } from "@/app/_components/ui";
import { ReviewQueue } from "./_components/review-queue";

export const metadata: Metadata = { title: "Review queue" };

export default async function ReviewsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireRole(["reviewer", "admin"]);
  return (
    <>
      <PageHeader title="Review queue" intro="Submissions across organisations, oldest first. Production needs two approvals by different reviewers." />
      <ReviewQueue viewer={viewer} searchParams={await searchParams} />
    </>
  );
}
