import { NotFoundContent } from "@/app/_components/status-pages";

/** Outside the portal shell (unknown URLs): brings its own <main>. */
export default function NotFound() {
  return (
    <main id="main" className="main" tabIndex={-1}>
      <NotFoundContent />
    </main>
  );
}
