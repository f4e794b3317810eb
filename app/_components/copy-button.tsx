"use client";
import { useState } from "react";

/**
 * Copies `text` to the clipboard (issue 16: the new token's secret). Says the outcome in a
 * polite live region; when the browser refuses clipboard access it tells the user to select
 * the text instead of failing silently.
 */
export function CopyButton({ text, label = "Copy", describedBy }: { text: string; label?: string; describedBy?: string }) {
  const [outcome, setOutcome] = useState<"" | "copied" | "failed">("");
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome("copied");
    } catch {
      setOutcome("failed");
    }
  }
  return (
    <>
      <button type="button" className="button button--secondary" onClick={copy} aria-describedby={describedBy}>
        {label}
      </button>{" "}
      <span role="status" className="meta">
        {outcome === "copied" ? "Copied to the clipboard." : outcome === "failed" ? "Copying is blocked here: select the token and copy it by hand." : ""}
      </span>
    </>
  );
}
