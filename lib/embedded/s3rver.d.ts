// Minimal typing of the parts of s3rver 3 that lib/embedded uses (the package ships none).
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  type S3rverOptions = {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  };

  export default class S3rver {
    constructor(options: S3rverOptions);
    configureBuckets(): Promise<void>;
    /** Koa's request listener. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    logger: { close(): void; exceptions: { unhandle(): void } };
  }
}
