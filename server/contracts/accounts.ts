import { z } from "zod";
import { hostTagsSchema, roleSchema, type HostTag, type Role } from "./resources";

/** Shortest password Landline accepts. */
export const MIN_PASSWORD_LENGTH = 8;

/** Emails are compared and stored lower-cased. */
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("must be an email address").max(254));

export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024, "must be at most 1024 characters");

export const userNameSchema = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

export const setupInputSchema = z.object({
  /** Email of the first admin. */
  email: emailSchema,
  /** Display name. */
  name: userNameSchema.optional(),
  /** Password of the first admin. */
  password: newPasswordSchema,
});
export type SetupInput = z.infer<typeof setupInputSchema>;

export const signInInputSchema = z.object({
  /** Email as typed; not validated beyond length, so a typo gets the same answer as a wrong password. */
  email: z.string().trim().toLowerCase().min(1, "enter your email").max(254),
  /** Password as typed. */
  password: z.string().min(1, "enter your password").max(1024),
});
export type SignInInput = z.infer<typeof signInInputSchema>;

export const changePasswordInputSchema = z.object({
  /** The caller's current password. */
  currentPassword: z.string().min(1).max(1024),
  /** The new password. */
  newPassword: newPasswordSchema,
});

export const createUserInputSchema = z.object({
  /** Sign-in email; unique. */
  email: emailSchema,
  /** Display name. */
  name: userNameSchema.optional(),
  /** Role of the new user. */
  role: roleSchema,
  /** Initial password; the user may change it after signing in. */
  password: newPasswordSchema,
});
export type CreateUserInput = z.infer<typeof createUserInputSchema>;

export const updateUserInputSchema = z.object({
  /** User id. */
  id: z.string().min(1),
  /** New role. */
  role: roleSchema.optional(),
  /** New display name; null clears it. */
  name: userNameSchema.nullable().optional(),
  /** Disabled users cannot sign in and their sessions and API tokens stop working. */
  disabled: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserInputSchema>;

export const resetPasswordInputSchema = z.object({
  /** User id. */
  id: z.string().min(1),
  /** The new password. */
  password: newPasswordSchema,
});

export const idInputSchema = z.object({
  /** Resource id. */
  id: z.string().min(1),
});

export const listApiTokensInputSchema = z
  .object({
    /** Admins only: list every user's tokens instead of their own. */
    all: z.boolean().optional(),
  })
  .optional();

export const createApiTokenInputSchema = z.object({
  /** What the token is for, e.g. "CI pipeline". */
  name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  /** Role the token acts with; at most the creator's own role, which is the default. */
  role: roleSchema.optional(),
  /** Days until the token stops working; omitted means it never expires. */
  expiresInDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(3650, "must be at most 3650").optional(),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenInputSchema>;

export const DEFAULT_ENROLLMENT_EXPIRES_HOURS = 24;

export const createEnrollmentTokenInputSchema = z.object({
  /** What the token is for, e.g. "web fleet". */
  name: z.string().trim().min(1).max(100).optional(),
  /** Hours until the token stops working; null means it never expires. */
  expiresHours: z
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(24 * 365, "must be at most 8760 (one year)")
    .nullable()
    .default(DEFAULT_ENROLLMENT_EXPIRES_HOURS),
  /** How many hosts may enroll with it; null means unlimited, the default 1 makes it single-use. */
  maxUses: z.number().int("must be a whole number").min(1, "must be at least 1").nullable().default(1),
  /** Tags given to every host that enrolls with the token; the agent cannot change them. */
  tags: hostTagsSchema.default([]),
  /** Whether an enrolling agent may add tags with other keys (--tags); false fixes the host's tags to `tags`. */
  allowHostTags: z.boolean().default(false),
  /** Hosts enrolled with it wait for an admin's approval before they receive any deployment. */
  requireApproval: z.boolean().default(false),
});
export type CreateEnrollmentTokenInput = z.infer<typeof createEnrollmentTokenInputSchema>;

export const auditLogListInputSchema = z
  .object({
    /** Part of the actor's name (email, "admin-cli", "system"), case-insensitive. */
    actor: z.string().trim().min(1).max(254).optional(),
    /** Exact user id of the actor. */
    userId: z.string().min(1).optional(),
    /** Exact action, e.g. "users.create". */
    action: z.string().min(1).max(100).optional(),
    /** Exact resource type, e.g. "user". */
    resourceType: z.string().min(1).max(100).optional(),
    /** Exact resource id. */
    resourceId: z.string().min(1).max(200).optional(),
    /** Earliest time, epoch ms, inclusive. */
    from: z.number().int().optional(),
    /** Latest time, epoch ms, inclusive. */
    to: z.number().int().optional(),
    /** Page size. */
    limit: z.number().int().min(1).max(200).default(50),
    /** nextCursor of the previous page. */
    cursor: z.number().int().positive().optional(),
  })
  // The whole input may be omitted: list the newest entries.
  .prefault({});
export type AuditLogListInput = z.infer<typeof auditLogListInputSchema>;

/** A user as shown to admins. */
export type UserSummary = {
  /** User id. */
  id: string;
  /** Sign-in email. */
  email: string;
  /** Display name. */
  name: string | null;
  /** Role. */
  role: Role;
  /** Whether the account is disabled. */
  disabled: boolean;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms. */
  updatedAt: number;
};

/** The signed-in user as the UI needs it. */
export type CurrentUser = Pick<UserSummary, "id" | "email" | "name" | "role">;

/** API token metadata; the secret is never shown after creation. */
export type ApiTokenSummary = {
  /** Token id. */
  id: string;
  /** What the token is for. */
  name: string;
  /** First characters of the secret, to tell tokens apart. */
  prefix: string;
  /** Role the token acts with (capped by its user's role at use). */
  role: Role;
  /** Owner's user id. */
  userId: string;
  /** Owner's email. */
  userEmail: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; null when never used. */
  lastUsedAt: number | null;
  /** Epoch ms; null when it never expires. */
  expiresAt: number | null;
  /** Epoch ms; null while active. */
  revokedAt: number | null;
};

/** A new API token: shown once. */
export type CreatedApiToken = Pick<ApiTokenSummary, "id" | "name" | "prefix" | "role" | "createdAt" | "expiresAt"> & {
  /** The secret to send as `Authorization: Bearer <token>`; not retrievable later. */
  token: string;
};

export const enrollmentTokenStatuses = ["active", "expired", "exhausted", "revoked"] as const;
export type EnrollmentTokenStatus = (typeof enrollmentTokenStatuses)[number];

/** Enrollment token metadata; the secret is never shown after creation. */
export type EnrollmentTokenSummary = {
  /** Token id. */
  id: string;
  /** What the token is for. */
  name: string | null;
  /** First characters of the secret. */
  prefix: string;
  /** Creator's user id; null when created by the admin command. */
  createdBy: string | null;
  /** Creator's email, when the creator still exists. */
  createdByEmail: string | null;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; null when it never expires. */
  expiresAt: number | null;
  /** null means unlimited. */
  maxUses: number | null;
  /** Hosts enrolled with it so far. */
  uses: number;
  /** Tags given to hosts that enroll with it. */
  tags: HostTag[];
  /** Whether enrolling agents may add tags with other keys. */
  allowHostTags: boolean;
  /** Whether hosts enrolled with it wait for an admin's approval. */
  requireApproval: boolean;
  /** Epoch ms; null while not revoked. */
  revokedAt: number | null;
  /** Whether it can still enroll a host, and if not why. */
  status: EnrollmentTokenStatus;
};

/** A new enrollment token: shown once. */
export type CreatedEnrollmentToken = EnrollmentTokenSummary & {
  /** The secret the agent presents at enrollment; not retrievable later. */
  token: string;
};

/** One audit log row. */
export type AuditLogEntry = {
  /** Increasing id; also the pagination cursor. */
  id: number;
  /** Epoch ms. */
  at: number;
  /** Acting user's id, when a user acted. */
  userId: string | null;
  /** Who acted: an email (with " (token)" for API tokens), "admin-cli" or "system". */
  actor: string;
  /** What happened, e.g. "users.create". */
  action: string;
  /** Kind of resource changed, e.g. "user". */
  resourceType: string;
  /** Id of the resource changed. */
  resourceId: string | null;
  /** Client address. */
  ip: string | null;
  /** Extra facts; never secrets. */
  details: Record<string, unknown> | null;
};
