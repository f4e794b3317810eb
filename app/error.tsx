"use client";

/**
 * Unexpected errors: the user sees a generic message and the error's digest (Next
 * logs the real error with the same digest on the server), never the exception text.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="main" tabIndex={-1}>
      <h1>Something went wrong</h1>
      <p role="alert">
        Something went wrong on our side. If it keeps happening, contact support
        {error.digest ? (
          <>
            {" "}
            and quote error id <code>{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <button type="button" className="button" onClick={() => reset()}>
        Try again
      </button>
    </main>
  );
}
