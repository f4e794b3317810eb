/** Moved to lib/submissions (the partner grid's read model computes it); kept for the pages' imports. */
export * from "@/lib/submissions/certificate-status";
