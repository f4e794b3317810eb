export { runExpiryJob, certificateLink, type ExpiryJobReport } from "./run-expiry-job";
export { loadCertificateRecords, findSuccessors, loadExpirySettings, type CertificateRecord } from "./records";
export * from "./state";
