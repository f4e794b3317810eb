import { ForbiddenContent } from "@/app/_components/status-pages";

export default function Forbidden() {
  return (
    <main id="main" className="main" tabIndex={-1}>
      <ForbiddenContent />
    </main>
  );
}
