/**
 * Issue 10, item 9: what a `kill -9` in the middle of s3rver's three-step write leaves
 * behind, reproduced file by file, makes the real server answer 500; the start-up repair
 * puts it right without losing a complete object.
 */
import { mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EMBEDDED_S3_CREDENTIALS, startS3Server, type EmbeddedS3 } from "./index";
import { describeS3Repair, repairEmbeddedS3 } from "./repair-s3";

const BUCKET = "certdesk-repair";
let dir: string;
let s3: EmbeddedS3 | undefined;
let client: S3Client | undefined;

async function start() {
  s3 = await startS3Server({ directory: path.join(dir, "s3"), port: 0, bucket: BUCKET });
  client = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: EMBEDDED_S3_CREDENTIALS });
  return client;
}
async function stop() {
  client?.destroy();
  await s3?.stop();
  client = undefined;
  s3 = undefined;
}
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode ?? 0,
  );
const file = (key: string, suffix: string) => path.join(dir, "s3", BUCKET, ...key.split("/").slice(0, -1), `${key.split("/").at(-1)}._S3rver_${suffix}`);

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "certdesk-repair-"));
});
afterEach(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

describe("repairEmbeddedS3", () => {
  it("quarantines objects whose metadata a crash left empty, cut short or missing; s3rver answers List again", async () => {
    const c = await start();
    const keys = ["submissions/a/intact", "submissions/b/empty-metadata", "submissions/c/cut-metadata", "submissions/d/no-metadata", "submissions/e/bad-md5", "submissions/f/gone"];
    for (const Key of keys) await c.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: `bytes of ${Key}` }));
    await stop();
    // The states a kill -9 leaves between s3rver's writes (and a delete cut short).
    await truncate(file(keys[1]!, "metadata.json"), 0);
    await writeFile(file(keys[2]!, "metadata.json"), '{"content-type": "appli');
    await unlink(file(keys[3]!, "metadata.json"));
    await writeFile(file(keys[4]!, "object.md5"), "");
    await unlink(file(keys[5]!, "object"));

    // Unrepaired, the real server fails the whole listing: this is what kept /api/health degraded.
    const broken = await start();
    expect(await status(broken.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "submissions/" })))).toBe(500);
    expect(await status(broken.send(new GetObjectCommand({ Bucket: BUCKET, Key: keys[1] })))).toBe(500);
    await stop();

    const report = await repairEmbeddedS3({ directory: path.join(dir, "s3"), quarantineRoot: path.join(dir, "s3-quarantine"), now: new Date("2026-11-28T12:00:00Z") });
    expect(report).toMatchObject({
      checked: 5,
      quarantined: [`${BUCKET}/${keys[1]}`, `${BUCKET}/${keys[2]}`, `${BUCKET}/${keys[3]}`],
      removedSidecars: 2,
      droppedMd5: 1,
    });
    expect(describeS3Repair(report)).toMatch(/checked \(5 object\(s\)\): moved 3 object\(s\) with missing or broken metadata .* removed 2 metadata file\(s\) .* dropped 1 damaged checksum/);
    // Nothing is deleted: the quarantined bytes are kept for an operator.
    expect(await readFile(path.join(report.quarantineDir!, BUCKET, "submissions", "b", "empty-metadata._S3rver_object"), "utf8")).toBe(`bytes of ${keys[1]}`);

    const repaired = await start();
    expect(await status(repaired.send(new HeadBucketCommand({ Bucket: BUCKET })))).toBe(200);
    const listed = await repaired.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "submissions/" }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([keys[0], keys[4]]);
    const out = await repaired.send(new GetObjectCommand({ Bucket: BUCKET, Key: keys[4] }));
    expect(await out.Body!.transformToString()).toBe(`bytes of ${keys[4]}`);
    // Emptied key folders go, as s3rver's own delete does.
    expect((await readdir(path.join(dir, "s3", BUCKET, "submissions"))).sort()).toEqual(["a", "e"]);
  });

  it("changes nothing in a healthy folder, and copes with none at all", async () => {
    const c = await start();
    await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: "truststores/x/current.json", Body: "{}" }));
    await stop();
    const report = await repairEmbeddedS3({ directory: path.join(dir, "s3"), quarantineRoot: path.join(dir, "q"), now: new Date() });
    expect(report).toEqual({ checked: 1, quarantined: [], quarantineDir: null, removedSidecars: 0, droppedMd5: 0 });
    expect(describeS3Repair(report)).toBe("embedded S3 data checked (1 object(s)): intact");
    expect((await repairEmbeddedS3({ directory: path.join(dir, "nothing"), quarantineRoot: path.join(dir, "q"), now: new Date() })).checked).toBe(0);
  });
});
