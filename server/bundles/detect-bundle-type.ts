import type { BundleType } from "../contracts/resources";

/** Bytes detectBundleType needs: the tar magic sits at offset 257. */
export const BUNDLE_HEAD_BYTES = 512;

const ZIP_LOCAL_FILE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY_ARCHIVE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const GZIP = Buffer.from([0x1f, 0x8b]);
const USTAR = Buffer.from("ustar");
const USTAR_OFFSET = 257;

/** The archive type the first bytes of a bundle show, or null when they are no zip, gzip or tar. */
export function detectBundleType(head: Buffer): BundleType | null {
  if (startsWith(head, ZIP_LOCAL_FILE) || startsWith(head, ZIP_EMPTY_ARCHIVE)) return "zip";
  if (startsWith(head, GZIP)) return "tgz";
  if (head.length >= USTAR_OFFSET + USTAR.length && head.subarray(USTAR_OFFSET, USTAR_OFFSET + USTAR.length).equals(USTAR)) return "tar";
  return null;
}

const detectedNames: Record<BundleType, string> = { zip: "a zip archive", tar: "a tar archive", tgz: "a gzip stream" };
const claimedNames: Record<BundleType, string> = { zip: "a zip archive", tar: "a tar archive", tgz: "a gzip-compressed tar archive (tgz)" };

/** Why the bytes do not match what the client claimed, or null when they do. */
export function describeTypeMismatch(detected: BundleType | null, claimed: BundleType | null): string | null {
  if (detected === null) return "the body is not a zip, tar or tgz archive";
  if (claimed === null || claimed === detected) return null;
  return `the body is ${detectedNames[detected]}, not ${claimedNames[claimed]}`;
}

function startsWith(buffer: Buffer, prefix: Buffer): boolean {
  return buffer.length >= prefix.length && buffer.subarray(0, prefix.length).equals(prefix);
}
