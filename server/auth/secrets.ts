import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new random secret with a readable prefix, e.g. llt_3kJ...; 32 random bytes. */
export function generateSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** sha256 hex of a secret; secrets are stored only as this hash. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}
