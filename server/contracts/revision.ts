import { z } from "zod";
import type { AppSpec, AppSpecError } from "./appspec";
import type { ScriptableLifecycleEvent } from "./deployment";
import { applicationNameSchema, bundleTypes, type BundleType } from "./resources";

/** HTTP endpoint (POST, raw archive body) that uploads a bundle as a new revision. */
export const REVISION_UPLOAD_PATH = "/api/revisions";
/** HTTP endpoint (GET/HEAD, Range supported) that serves a revision's bundle to users. */
export const revisionBundlePath = (revisionId: string) => `/api/revisions/${encodeURIComponent(revisionId)}/bundle`;

/** Content-Type each bundle type is uploaded and served with. */
export const bundleContentTypes: Record<BundleType, string> = {
  zip: "application/zip",
  tar: "application/x-tar",
  tgz: "application/gzip",
};

/** Revision ids: r- followed by 9 upper-case alphanumerics. */
export const revisionIdSchema = z.string().regex(/^r-[A-Z0-9]{9}$/, "not a revision id (r-XXXXXXXXX)");

/** Query string of the upload endpoint. */
export const revisionUploadQuerySchema = z.object({
  /** Application the revision belongs to. */
  application: applicationNameSchema,
  /** Free text shown with the revision. */
  description: z.string().max(1000, "description must be at most 1000 characters").optional(),
  /** The archive type the client claims; checked against the bytes. */
  bundleType: z.enum(bundleTypes, { message: "bundleType must be zip, tar or tgz" }).optional(),
});
export type RevisionUploadQuery = z.infer<typeof revisionUploadQuerySchema>;

/** Upload answer: 201 for a new revision, 200 when the application already had this bundle. */
export type RevisionUploadResult = {
  /** The new or existing revision. */
  revisionId: string;
  /** Hex sha256 of the bundle bytes; also its download address for agents. */
  sha256: string;
  /** Archive type detected from the bytes. */
  bundleType: BundleType;
  /** Bundle size in bytes. */
  size: number;
};

/** Error answer of the upload endpoint (4xx): a one-line summary plus one entry per problem. */
export type RevisionUploadError = {
  /** One-line summary. */
  error: string;
  /** Problems located by file (path within the bundle), line, column and dotted appspec field. */
  errors: AppSpecError[];
};

export const listRevisionsInputSchema = z.object({
  /** Application whose revisions to list. */
  applicationName: applicationNameSchema,
  /** Page size. */
  limit: z.number().int().min(1).max(100).default(25),
  /** nextCursor of the previous page. */
  cursor: z.string().max(200).optional(),
});
export type ListRevisionsInput = z.input<typeof listRevisionsInputSchema>;

export const getRevisionInputSchema = z.object({
  /** Revision to read. */
  revisionId: z.string().min(1).max(100),
});

export type RevisionSummary = {
  /** Revision id (r-XXXXXXXXX). */
  revisionId: string;
  /** Application the revision belongs to. */
  applicationName: string;
  /** Free text given at upload. */
  description: string | null;
  /** Bundle size in bytes. */
  size: number;
  /** Hex sha256 of the bundle. */
  sha256: string;
  /** Archive type. */
  bundleType: BundleType;
  /** Who uploaded it; null when that user was deleted. */
  uploadedBy: { userId: string; email: string } | null;
  /** Epoch ms of the upload. */
  createTime: number;
  /** Lifecycle events that have scripts, in lifecycle order. */
  hooks: ScriptableLifecycleEvent[];
};

export type RevisionDetail = RevisionSummary & {
  /** The validated appspec, as parsed at upload. */
  appSpec: AppSpec;
  /** Directory inside the archive that is the bundle root ("" when the archive root; e.g. "myapp/"). */
  bundleRoot: string;
  /** Path of the appspec within the archive, e.g. appspec.yml or myapp/appspec.yml. */
  appSpecPath: string;
};

export type RevisionPage = {
  /** Newest first. */
  items: RevisionSummary[];
  /** Pass as cursor for the next page; null on the last page. */
  nextCursor: string | null;
};
