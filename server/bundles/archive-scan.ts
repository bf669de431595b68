import type { AppSpecError } from "../contracts/appspec";
import type { BundleEntryKind } from "../contracts/bundle-layout";
import { describeExcessiveCompression, describeUnsafeEntryName, normalizeEntryName } from "../contracts/bundle-layout";
import { DomainError } from "../domain-errors";

/** One archive entry as listed, before the bundle root is known. */
export type ScannedEntry = {
  /** Normalized path from the archive root ("a/b", no ./ or trailing slash). */
  path: string;
  kind: BundleEntryKind;
  /** Uncompressed size in bytes (0 for directories and links). */
  size: number;
  /** Symlink text, or the archive path a hard link points at. */
  linkTarget?: string;
};

/** What a format-specific scanner hands to inspectBundle. */
export type ArchiveScan = {
  entries: ScannedEntry[];
  /** Entry problems; the bundle is refused when any exist. */
  problems: AppSpecError[];
  /** Problems beyond the ones listed. */
  unlistedProblems: number;
  /** Bodies of the files `wanted` asked for, keyed by normalized path; null when longer than maxWantedBytes. */
  contents: Map<string, Buffer | null>;
};

export type ScanOptions = {
  maxEntries: number;
  /** Sum of uncompressed entry sizes allowed (zip-bomb guard). */
  maxUncompressedBytes: number;
  /** Regular files whose bodies the scanner keeps (the appspec candidates). */
  wanted: (path: string) => boolean;
  maxWantedBytes: number;
};

/** Problems kept per upload; the rest are counted in the summary. */
const MAX_REPORTED_PROBLEMS = 50;

/** Collects entries and problems while a scanner walks an archive; throws when a limit makes going on pointless. */
export class ScanCollector {
  readonly scan: ArchiveScan = { entries: [], problems: [], unlistedProblems: 0, contents: new Map() };
  private count = 0;
  private uncompressed = 0;
  private compressed = 0;

  constructor(private readonly options: ScanOptions) {}

  /** Refuses up front when an archive declares more entries than allowed. */
  expectEntries(declared: number): void {
    if (declared > this.options.maxEntries) throw tooManyEntries(this.options.maxEntries);
  }

  /** Counts an entry against the limits; returns its normalized path, or null when its name is unsafe (already reported). */
  admit(name: string, declaredSize: number): string | null {
    this.count += 1;
    if (this.count > this.options.maxEntries) throw tooManyEntries(this.options.maxEntries);
    this.addUncompressed(declaredSize);
    const unsafe = describeUnsafeEntryName(name);
    if (unsafe) {
      this.problem(name, `${unsafe}; refused`);
      return null;
    }
    return normalizeEntryName(name);
  }

  /** Refuses one entry whose declared sizes look like a decompression bomb; true when it was refused. */
  refuseCompressionBomb(name: string, compressed: number, inflated: number): boolean {
    this.compressed += compressed;
    const bomb = describeExcessiveCompression(compressed, inflated);
    if (bomb) this.problem(name, `the entry ${bomb}`);
    return bomb !== null;
  }

  /** After the last entry: the archive as a whole must not be a bomb of many entries each under the limit. */
  checkTotalCompression(): void {
    const bomb = describeExcessiveCompression(this.compressed, this.uncompressed);
    if (bomb) this.problem("(archive)", `the archive as a whole ${bomb}`);
  }

  private addUncompressed(bytes: number): void {
    this.uncompressed += bytes;
    if (this.uncompressed > this.options.maxUncompressedBytes) throw tooLargeUncompressed(this.options.maxUncompressedBytes);
  }

  problem(entryName: string, message: string): void {
    if (this.scan.problems.length >= MAX_REPORTED_PROBLEMS) this.scan.unlistedProblems += 1;
    else this.scan.problems.push(entryProblem(entryName, message));
  }
}

export function entryProblem(entryName: string, message: string): AppSpecError {
  return { file: entryName.replace(/\0/g, "\\0"), line: null, column: null, field: "", message };
}

/** The upload is refused as a whole; details.errors lists the located problems. */
export function bundleRefused(summary: string, errors: AppSpecError[]): DomainError {
  return new DomainError("INVALID", summary, { errors });
}

function tooManyEntries(max: number): DomainError {
  return bundleRefused(`the bundle has more than ${max} entries (LANDLINE_MAX_BUNDLE_ENTRIES)`, []);
}

function tooLargeUncompressed(max: number): DomainError {
  return bundleRefused(`the bundle unpacks to more than ${max} bytes; refused as a possible archive bomb`, []);
}
