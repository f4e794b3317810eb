import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="main" tabIndex={-1}>
      <h1>Page not found</h1>
      <p>There is nothing here, or you do not have access to it.</p>
      <p>
        <Link href="/">Go to your home page</Link>
      </p>
    </main>
  );
}
