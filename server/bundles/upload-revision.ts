import { randomInt } from "node:crypto";
import type { Readable } from "node:stream";
import { and, eq } from "drizzle-orm";
import { recordAudit } from "../storage/audit-rows";
import type { Principal } from "../auth/principal";
import type { BundleType } from "../contracts/resources";
import type { RevisionUploadResult } from "../contracts/revision";
import type { Deps } from "../deps";
import { revisions } from "../storage/schema";
import { bundleRefused } from "./archive-scan";
import { commitBundle, receiveToTempFile, removeQuietly, uploadTempDir } from "./bundle-store";
import { describeTypeMismatch, detectBundleType } from "./detect-bundle-type";
import { inspectBundle } from "./inspect-bundle";
import { findApplicationId, isBundleReferenced } from "./revision-records";

export type UploadRevisionInput = {
  applicationName: string;
  description?: string;
  /** The type the client says it sends (query or Content-Type); null when it does not say. */
  claimedType: BundleType | null;
};

/** A zip bomb guard: a bundle may unpack to at most this many times the upload limit. */
const UNCOMPRESSED_FACTOR = 4;

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export function generateRevisionId(): string {
  let id = "r-";
  for (let i = 0; i < 9; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/**
 * Receives a bundle into a temp file, checks its type and contents, stores it content-addressed and
 * records the revision. The same bundle uploaded again to the same application returns the existing
 * revision (created: false). On any failure nothing is kept: no temp file, no bundle, no row.
 */
export async function uploadRevision(
  deps: Deps,
  who: { principal: Principal; ip: string | null },
  input: UploadRevisionInput,
  body: Readable,
): Promise<{ result: RevisionUploadResult; created: boolean }> {
  const { db, env } = deps;
  const applicationId = findApplicationId(db, input.applicationName);
  const received = await receiveToTempFile(body, uploadTempDir(env.dataDir), env.LANDLINE_MAX_BUNDLE_BYTES);
  try {
    const bundleType = detectBundleType(received.head);
    const mismatch = describeTypeMismatch(bundleType, input.claimedType);
    if (mismatch || !bundleType) throw bundleRefused(mismatch ?? "the body is not an archive", []);
    const { sha256, size } = received;
    const result = (revisionId: string): RevisionUploadResult => ({ revisionId, sha256, bundleType, size });

    const existing = findExisting(deps, applicationId, sha256);
    if (existing) {
      // Restores the file should it have gone missing; the bytes are the ones inspected before.
      commitBundle(env.bundleDir, received.path, sha256);
      audit(deps, who, existing, input, result(existing), true);
      return { result: result(existing), created: false };
    }

    const inspection = await inspectBundle(received.path, bundleType, {
      maxEntries: env.LANDLINE_MAX_BUNDLE_ENTRIES,
      maxUncompressedBytes: UNCOMPRESSED_FACTOR * env.LANDLINE_MAX_BUNDLE_BYTES,
    });
    const revisionId = generateRevisionId();
    // The bundle is committed and its row written in one synchronous stretch (see commitBundle).
    const stored = commitBundle(env.bundleDir, received.path, sha256);
    let inserted;
    try {
      inserted = db.transaction(() => {
        const insert = db
          .insert(revisions)
          .values({
            id: revisionId,
            applicationId,
            sha256,
            bundleType,
            size,
            description: input.description ?? null,
            appSpec: inspection.appSpec,
            bundleRoot: inspection.bundleRoot,
            appSpecPath: inspection.appSpecPath,
            uploadedBy: who.principal.userId,
            createdAt: deps.now(),
          })
          .onConflictDoNothing({ target: [revisions.applicationId, revisions.sha256] })
          .run();
        if (insert.changes > 0) audit(deps, who, revisionId, input, result(revisionId), false);
        return insert;
      });
    } catch (err) {
      if (!stored.alreadyStored && !isBundleReferenced(deps.db, sha256)) await removeQuietly(stored.path);
      throw err;
    }
    if (inserted.changes === 0) {
      // A concurrent upload of the same bundle to the same application won the insert.
      const winner = findExisting(deps, applicationId, sha256)!;
      return { result: result(winner), created: false };
    }
    return { result: result(revisionId), created: true };
  } finally {
    await removeQuietly(received.path);
  }
}

function findExisting(deps: Deps, applicationId: string, sha256: string): string | null {
  const row = deps.db
    .select({ id: revisions.id })
    .from(revisions)
    .where(and(eq(revisions.applicationId, applicationId), eq(revisions.sha256, sha256)))
    .get();
  return row?.id ?? null;
}

function audit(
  deps: Deps,
  who: { principal: Principal; ip: string | null },
  revisionId: string,
  input: UploadRevisionInput,
  result: RevisionUploadResult,
  reused: boolean,
): void {
  recordAudit(
    deps.db,
    who,
    {
      action: "revisions.upload",
      resourceType: "revision",
      resourceId: revisionId,
      details: { applicationName: input.applicationName, sha256: result.sha256, size: result.size, bundleType: result.bundleType, reused },
    },
    deps.now(),
  );
}
