import { and, desc, eq, lt, or } from "drizzle-orm";
import type { AppSpec } from "../contracts/appspec";
import { scriptableLifecycleEvents, type ScriptableLifecycleEvent } from "../contracts/deployment";
import type { BundleType } from "../contracts/resources";
import type { ListRevisionsInput, RevisionDetail, RevisionPage, RevisionSummary } from "../contracts/revision";
import { invalid, notFound } from "../domain-errors";
import type { Db } from "../storage/database";
import { applications, deployments, deploymentTargets, revisions, users } from "../storage/schema";

export function findApplicationId(db: Db, applicationName: string): string {
  const app = db.select({ id: applications.id }).from(applications).where(eq(applications.name, applicationName)).get();
  if (!app) throw notFound(`application ${applicationName}`);
  return app.id;
}

/** True while some revision, of any application, is stored in this bundle. */
export function isBundleReferenced(db: Db, sha256: string): boolean {
  return db.select({ id: revisions.id }).from(revisions).where(eq(revisions.sha256, sha256)).limit(1).get() !== undefined;
}

/** Lifecycle events whose appspec entry has at least one script, in lifecycle order. */
export function hookEventsOf(appSpec: AppSpec): ScriptableLifecycleEvent[] {
  return scriptableLifecycleEvents.filter((event) => (appSpec.hooks?.[event]?.length ?? 0) > 0);
}

const revisionColumns = {
  revisionId: revisions.id,
  applicationName: applications.name,
  description: revisions.description,
  size: revisions.size,
  sha256: revisions.sha256,
  bundleType: revisions.bundleType,
  uploaderId: users.id,
  uploaderEmail: users.email,
  createTime: revisions.createdAt,
  appSpec: revisions.appSpec,
  bundleRoot: revisions.bundleRoot,
  appSpecPath: revisions.appSpecPath,
};

type RevisionRow = {
  revisionId: string;
  applicationName: string;
  description: string | null;
  size: number;
  sha256: string;
  bundleType: BundleType;
  uploaderId: string | null;
  uploaderEmail: string | null;
  createTime: number;
  appSpec: AppSpec;
  bundleRoot: string;
  appSpecPath: string;
};

function toSummary(row: RevisionRow): RevisionSummary {
  return {
    revisionId: row.revisionId,
    applicationName: row.applicationName,
    description: row.description,
    size: row.size,
    sha256: row.sha256,
    bundleType: row.bundleType,
    uploadedBy: row.uploaderId && row.uploaderEmail ? { userId: row.uploaderId, email: row.uploaderEmail } : null,
    createTime: row.createTime,
    hooks: hookEventsOf(row.appSpec),
  };
}

function selectRevisions(db: Db) {
  return db
    .select(revisionColumns)
    .from(revisions)
    .innerJoin(applications, eq(applications.id, revisions.applicationId))
    .leftJoin(users, eq(users.id, revisions.uploadedBy));
}

/** Revisions of one application, newest first, keyset-paginated. */
export function listRevisions(db: Db, input: Required<Pick<ListRevisionsInput, "applicationName" | "limit">> & { cursor?: string }): RevisionPage {
  const applicationId = findApplicationId(db, input.applicationName);
  const after = input.cursor === undefined ? null : parseCursor(input.cursor);
  const rows = selectRevisions(db)
    .where(
      and(
        eq(revisions.applicationId, applicationId),
        after ? or(lt(revisions.createdAt, after.createdAt), and(eq(revisions.createdAt, after.createdAt), lt(revisions.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(revisions.createdAt), desc(revisions.id))
    .limit(input.limit + 1)
    .all();
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return { items: page.map(toSummary), nextCursor: rows.length > input.limit && last ? `${last.createTime}.${last.revisionId}` : null };
}

export function getRevision(db: Db, revisionId: string): RevisionDetail {
  const row = selectRevisions(db).where(eq(revisions.id, revisionId)).get();
  if (!row) throw notFound(`revision ${revisionId}`);
  return { ...toSummary(row), appSpec: row.appSpec, bundleRoot: row.bundleRoot, appSpecPath: row.appSpecPath };
}

function parseCursor(cursor: string): { createdAt: number; id: string } {
  const dot = cursor.indexOf(".");
  const createdAt = Number(cursor.slice(0, dot));
  if (dot <= 0 || !Number.isSafeInteger(createdAt)) throw invalid("cursor is not one this endpoint returned");
  return { createdAt, id: cursor.slice(dot + 1) };
}

/** The bundle of a revision, for users allowed to read it. */
export function findRevisionBundle(db: Db, revisionId: string): { sha256: string; bundleType: BundleType; applicationName: string } | null {
  return (
    db
      .select({ sha256: revisions.sha256, bundleType: revisions.bundleType, applicationName: applications.name })
      .from(revisions)
      .innerJoin(applications, eq(applications.id, revisions.applicationId))
      .where(eq(revisions.id, revisionId))
      .get() ?? null
  );
}

/** A bundle a host may download: one of a deployment that targets the host. Null otherwise. */
export function findHostBundle(db: Db, hostId: string, sha256: string): { bundleType: BundleType } | null {
  return (
    db
      .select({ bundleType: revisions.bundleType })
      .from(deploymentTargets)
      .innerJoin(deployments, eq(deployments.id, deploymentTargets.deploymentId))
      .innerJoin(revisions, eq(revisions.id, deployments.revisionId))
      .where(and(eq(deploymentTargets.hostId, hostId), eq(revisions.sha256, sha256)))
      .limit(1)
      .get() ?? null
  );
}
