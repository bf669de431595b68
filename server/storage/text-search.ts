import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

/** True where `column` contains `needle`, ignoring case; `needle` is matched literally (no LIKE wildcards). */
export function containsIgnoringCase(column: SQLWrapper, needle: string): SQL {
  // SQLite's instr; a PostgreSQL adapter would use strpos.
  return sql`instr(lower(${column}), ${needle.toLowerCase()}) > 0`;
}
