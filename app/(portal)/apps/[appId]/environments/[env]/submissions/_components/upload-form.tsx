"use client";

/**
 * Choose or drop files, upload them with progress (XHR: fetch has no upload progress),
 * then go to the submission's page where the verdict is drawn. A refused upload (a
 * private key) stays here with its findings: nothing of it was stored.
 */
import { useRef, useState, type DragEvent } from "react";
import { useRouter } from "next/navigation";
import { FindingsList, type FindingItem } from "./findings-list";
import styles from "./submissions.module.css";

/** `renews`: the certificate this upload renews (issue 14, "Renew"), sent as `replaces`, with its purpose preset. */
type Props = {
  uploadUrl: string;
  submissionBase: string;
  maxBytes: number;
  maxFiles: number;
  renews?: { id: string; purpose: string };
  /** Issue 16: what the program asks for, and the purposes it has (from lib/policy/program-summary). */
  help?: string;
  purposes?: { value: string; label: string }[];
};

const ALL_PURPOSES = [
  { value: "mtls", label: "mTLS client authentication" },
  { value: "signature", label: "Message signature" },
];
type Problem = { title?: string; detail?: string; verdict?: { findings: FindingItem[] } };

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

export function UploadForm({ uploadUrl, submissionBase, maxBytes, maxFiles, renews, help, purposes = ALL_PURPOSES }: Props) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<FindingItem[] | null>(null);
  const [purpose, setPurpose] = useState(renews?.purpose ?? purposes[0]?.value ?? "mtls");
  // One key per chosen set of files: a double click or a retry makes one submission.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  const total = files.reduce((n, f) => n + f.size, 0);
  const tooBig = total > maxBytes;
  const tooMany = files.length > maxFiles;

  function choose(list: FileList | null) {
    if (!list) return;
    setFiles(Array.from(list));
    setError(null);
    setRefused(null);
    setIdempotencyKey(crypto.randomUUID());
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files);
  }

  function upload() {
    if (files.length === 0 || tooBig || tooMany || progress !== null) return;
    const body = new FormData();
    for (const f of files) body.append("files", f, f.name);
    body.append("purpose", purpose);
    if (renews) body.append("replaces", renews.id);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", uploadUrl);
    xhr.setRequestHeader("Idempotency-Key", idempotencyKey);
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => {
      setProgress(null);
      setError("The upload did not reach Certdesk. Check your connection and try again.");
    };
    xhr.onload = () => {
      const data = (xhr.response ?? {}) as { id?: string } & Problem;
      if ((xhr.status === 201 || xhr.status === 200) && data.id) {
        setProgress(100);
        router.push(`${submissionBase}/${data.id}`);
        return;
      }
      setProgress(null);
      if (data.verdict) setRefused(data.verdict.findings);
      setError(data.detail ?? `The upload failed (HTTP ${xhr.status}). Try again.`);
    };
    setError(null);
    setRefused(null);
    setProgress(0);
    xhr.send(body);
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        upload();
      }}
      aria-describedby="upload-help"
    >
      <div
        className={`${styles.dropzone} ${dragging ? styles.dropzoneActive : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p id="upload-help">
          {help ?? "Drop the certificate chain here (PEM, DER or PKCS#7, one or several files), one .zip holding it, or a CSR. Never include a private key."}
        </p>
        <input
          ref={input}
          id="files"
          name="files"
          type="file"
          multiple
          className={`visually-hidden ${styles.fileInput}`}
          accept=".pem,.crt,.cer,.der,.p7b,.p7c,.csr,.req,.zip,.txt"
          onChange={(e) => choose(e.target.files)}
        />
        <label className={`button button--secondary ${styles.chooseLabel}`} htmlFor="files">
          Choose files
        </label>
      </div>

      {files.length > 0 ? (
        <ul className={styles.fileList} aria-label="Chosen files">
          {files.map((f) => (
            <li key={`${f.name}-${f.size}`}>
              <span className="mono">{f.name}</span>
              <span className="meta">{formatBytes(f.size)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {tooBig ? (
        <p className="alert alert--error" role="alert">
          These files add up to {formatBytes(total)}; at most {formatBytes(maxBytes)} can be uploaded. A certificate chain is a few kilobytes: choose only the certificates or the CSR.
        </p>
      ) : null}
      {tooMany ? (
        <p className="alert alert--error" role="alert">
          At most {maxFiles} files at once; put them in one .zip.
        </p>
      ) : null}

      <div className="field">
        <label htmlFor="purpose">Purpose</label>
        <select id="purpose" name="purpose" className={styles.select} value={purpose} onChange={(e) => setPurpose(e.target.value)}>
          {purposes.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </div>

      <div className={styles.actions}>
        <button type="submit" className="button" disabled={files.length === 0 || tooBig || tooMany || progress !== null}>
          {progress === null ? "Upload and check" : "Uploading…"}
        </button>
        {progress !== null ? (
          <progress className={styles.progress} max={100} value={progress} aria-label="Upload progress">
            {progress}%
          </progress>
        ) : null}
      </div>

      {error ? (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      ) : null}
      {refused ? (
        <section aria-labelledby="refused-findings">
          <h2 id="refused-findings">Verdict: refused, nothing stored</h2>
          <FindingsList findings={refused} />
        </section>
      ) : null}
    </form>
  );
}
