import { ForbiddenContent } from "@/app/_components/status-pages";

export default function PortalForbidden() {
  return <ForbiddenContent />;
}
