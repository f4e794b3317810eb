import { NotFoundContent } from "@/app/_components/status-pages";

/** Inside the portal shell, whose layout already provides <main>. */
export default function PortalNotFound() {
  return <NotFoundContent />;
}
