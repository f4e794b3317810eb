import Link from "next/link";

export default function Forbidden() {
  return (
    <main id="main" className="main" tabIndex={-1}>
      <h1>No access</h1>
      <p>Your account does not have the role this page needs. If you think it should, ask an administrator.</p>
      <p>
        <Link href="/">Go to your home page</Link>
      </p>
    </main>
  );
}
