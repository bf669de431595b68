import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** A Db or a transaction handle: stores and the catalog write through either. */
export type DbWriter = Pick<Db, "select" | "insert" | "update" | "delete">;

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/** Closes the connection (at shutdown, or after a one-off command). */
export function closeDatabase(db: Db): void {
  db.$client.close();
}

/** SQLite's auto_vacuum value for INCREMENTAL. */
const INCREMENTAL = 2;

/**
 * Lets freed pages go back to the disk (the WAL checkpointer runs incremental_vacuum in small steps). A new
 * file takes the setting before its first table; a file made before it needs one full VACUUM, once.
 */
function useIncrementalVacuum(sqlite: Database.Database): void {
  if (sqlite.pragma("auto_vacuum", { simple: true }) === INCREMENTAL) return;
  sqlite.pragma("auto_vacuum = INCREMENTAL");
  const tables = sqlite.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
  if (tables.n > 0) sqlite.exec("VACUUM");
}

/** Opens (creating if needed) the SQLite file, enables WAL, foreign keys and incremental vacuum, and applies pending migrations. */
export function openDatabase(file: string): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  useIncrementalVacuum(sqlite);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return db as Db;
}
