import type { Finding } from "../pki/findings";

/** One uploaded file as the browser, the API or the CLI hands it over. */
export type UploadedFile = { name: string; bytes: Uint8Array };

/** How an item was encoded where we found it. */
export type ItemFormat = "pem" | "der" | "pkcs7-pem" | "pkcs7-der";

export type ItemSource = {
  /** The uploaded file's name. */
  file: string;
  /** Path of the entry inside a .zip, when the file was an archive. */
  entry?: string;
  format: ItemFormat;
  /**
   * 0-based index of this certificate or CSR among those found in its file or entry
   * (PEM blocks and PKCS#7 certificates count; skipped blocks such as keys do not).
   */
  index: number;
};

/**
 * A certificate or CSR found in the upload, in upload order.
 * Private keys never become items: they are detected, dropped and reported.
 */
export type IntakeItem = {
  kind: "certificate" | "csr";
  /** DER bytes, as found (never re-encoded). */
  der: Uint8Array;
  source: ItemSource;
};

export type IntakeLimits = {
  /** Total bytes over all uploaded files. Default 1 MiB. */
  maxUploadBytes: number;
  /** Archive entries. Default 100. */
  maxEntries: number;
  /** One entry, uncompressed. Default 1 MiB. */
  maxEntryBytes: number;
  /** All entries, uncompressed. Default 1 MiB. */
  maxTotalBytes: number;
  /** Uncompressed ÷ compressed for one entry. Default 100. */
  maxRatio: number;
  /**
   * Certificates and CSRs over the whole upload. Default 100. Path building compares
   * candidates pairwise, so thousands of tiny certificates in 1 MiB would be a CPU bomb.
   */
  maxItems?: number;
};

export type IntakeResult = {
  items: IntakeItem[];
  /** FORMAT_*, PRIVATE_KEY_PRESENT, ARCHIVE_*, UPLOAD_TOO_LARGE. */
  findings: Finding[];
  /**
   * True when the upload must not be stored at all: a private key was in it
   * (the partner must treat it as exposed) or an archive was unsafe.
   */
  refused: boolean;
  /** Which uploaded files held something in DER or PKCS#7 rather than PEM (FORMAT_NOT_PEM is the program's call). */
  formats: ItemFormat[];
};
