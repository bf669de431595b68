import Database from "better-sqlite3";

/** What the copies are spread over: the measured group and same-named groups of other applications. */
export type HistoryLayout = {
  /** Real, finished deployments to copy. */
  seedDeploymentIds: string[];
  /** The group the seeds ran in; every other copy lands here. */
  measured: { applicationId: string; deploymentGroupId: string };
  /** The remaining copies are spread over these. */
  others: { applicationId: string; deploymentGroupId: string }[];
  /** Actor names the copied audit entries rotate through. */
  actors: string[];
};

/** Copies per transaction. */
const BATCH_COPIES = 400;
/** Each copy is this much older than the one before: about six months over 100,000 deployments of six seeds. */
const COPY_SPACING_MS = 15 * 60_000;
/** One copy in this many is marked Failed. */
const FAILED_EVERY = 10;

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
}

/** `INSERT INTO table (every column but skipped) SELECT <override or alias.column>` for whatever schema the file has. */
function copyStatement(db: Database.Database, table: string, alias: string, overrides: Record<string, string>, from: string, skip: string[] = []): string {
  const columns = columnsOf(db, table).filter((c) => !skip.includes(c));
  const select = columns.map((c) => overrides[c] ?? `${alias}.${c}`);
  return `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${select.join(", ")} FROM ${from}`;
}

const shifted = (alias: string, column: string) => `CASE WHEN ${alias}.${column} IS NULL THEN NULL ELSE ${alias}.${column} - c.shift END`;

/**
 * Grows the database to `deployments` deployments by copying the seed deployments with their targets,
 * lifecycle events and log lines (INSERT ... SELECT, nothing passes through JavaScript), each copy older than
 * the last, plus one audit entry per copied deployment. Written against the columns the file has, so the same
 * code grows a database of an older schema. Returns how many deployments were added.
 */
export function growHistory(file: string, layout: HistoryLayout, deployments: number, log: (line: string) => void): number {
  const db = new Database(file);
  db.pragma("busy_timeout = 10000");
  try {
    const existing = (db.prepare("SELECT count(*) AS n FROM deployments").get() as { n: number }).n;
    const seeds = layout.seedDeploymentIds.length;
    const copies = Math.ceil(Math.max(0, deployments - existing) / seeds);
    if (copies === 0) return 0;
    const firstCopy =
      Math.floor(
        (db.prepare("SELECT count(*) AS n FROM deployments WHERE id GLOB 'd-[0-9]*' AND length(id) = 11 AND id NOT GLOB '*[A-Z]*'").get() as { n: number }).n /
          seeds,
      ) + 1;
    db.exec(`CREATE TEMP TABLE seed_d (old TEXT PRIMARY KEY, k INTEGER NOT NULL);
             CREATE TEMP TABLE seed_t (old TEXT PRIMARY KEY, d TEXT NOT NULL, k INTEGER NOT NULL);
             CREATE TEMP TABLE copies (c INTEGER PRIMARY KEY, app TEXT NOT NULL, grp TEXT NOT NULL, shift INTEGER NOT NULL, failed INTEGER NOT NULL, actor TEXT NOT NULL);`);
    const addSeed = db.prepare("INSERT INTO seed_d (old, k) VALUES (?, ?)");
    layout.seedDeploymentIds.forEach((id, k) => addSeed.run(id, k));
    db.exec(
      "INSERT INTO seed_t (old, d, k) SELECT t.id, t.deployment_id, row_number() OVER (ORDER BY t.id) - 1 FROM deployment_targets t JOIN seed_d s ON s.old = t.deployment_id",
    );
    const targetsPerCopy = (db.prepare("SELECT count(*) AS n FROM seed_t").get() as { n: number }).n;
    const newD = `printf('d-%09d', c.c * ${seeds} + s.k)`;
    const newT = `printf('t-%012d', c.c * ${targetsPerCopy} + st.k)`;
    const copyDeployments = db.prepare(
      copyStatement(
        db,
        "deployments",
        "d",
        {
          id: newD,
          application_id: "c.app",
          deployment_group_id: "c.grp",
          status: "CASE WHEN c.failed THEN 'Failed' ELSE d.status END",
          error_code: "CASE WHEN c.failed THEN 'HEALTH_CONSTRAINTS' ELSE d.error_code END",
          error_message: "CASE WHEN c.failed THEN 'Too many hosts failed' ELSE d.error_message END",
          created_at: shifted("d", "created_at"),
          started_at: shifted("d", "started_at"),
          completed_at: shifted("d", "completed_at"),
          rollback_deployment_id: "NULL",
          rollback_triggering_deployment_id: "NULL",
          rollback_message: "NULL",
        },
        "deployments d JOIN seed_d s ON s.old = d.id CROSS JOIN copies c",
      ),
    );
    const copyTargets = db.prepare(
      copyStatement(
        db,
        "deployment_targets",
        "t",
        {
          id: newT,
          deployment_id: newD,
          started_at: shifted("t", "started_at"),
          completed_at: shifted("t", "completed_at"),
          last_updated_at: shifted("t", "last_updated_at"),
        },
        "deployment_targets t JOIN seed_t st ON st.old = t.id JOIN seed_d s ON s.old = st.d CROSS JOIN copies c",
      ),
    );
    const newE = `${newT} || '.' || e.name`;
    const copyEvents = db.prepare(
      copyStatement(
        db,
        "lifecycle_events",
        "e",
        {
          id: newE,
          target_id: newT,
          deployment_id: newD,
          command_id: `CASE WHEN e.command_id IS NULL THEN NULL ELSE ${newE} END`,
          script_deployment_id: `CASE WHEN e.script_deployment_id IS NULL THEN NULL ELSE ${newD} END`,
          dispatched_at: shifted("e", "dispatched_at"),
          accepted_at: shifted("e", "accepted_at"),
          started_at: shifted("e", "started_at"),
          completed_at: shifted("e", "completed_at"),
        },
        "lifecycle_events e JOIN seed_t st ON st.old = e.target_id JOIN seed_d s ON s.old = st.d CROSS JOIN copies c",
      ),
    );
    const copyLogLines = db.prepare(
      copyStatement(
        db,
        "log_lines",
        "l",
        { deployment_id: newD, target_id: newT, at: "l.at - c.shift" },
        "seed_t st JOIN log_lines l ON l.target_id = st.old JOIN seed_d s ON s.old = st.d CROSS JOIN copies c",
        ["id"],
      ),
    );
    const copyAudit = db.prepare(
      `INSERT INTO audit_log (at, user_id, actor, action, resource_type, resource_id, ip, details)
       SELECT d.created_at - c.shift, NULL, c.actor, 'deployments.create', 'deployment', ${newD}, '127.0.0.1', NULL
       FROM deployments d JOIN seed_d s ON s.old = d.id CROSS JOIN copies c`,
    );
    const addCopy = db.prepare("INSERT INTO copies (c, app, grp, shift, failed, actor) VALUES (?, ?, ?, ?, ?, ?)");
    const started = performance.now();
    for (let from = firstCopy; from < firstCopy + copies; from += BATCH_COPIES) {
      const to = Math.min(from + BATCH_COPIES, firstCopy + copies);
      db.transaction(() => {
        db.exec("DELETE FROM copies");
        for (let c = from; c < to; c++) {
          const where = c % 2 === 0 ? layout.measured : layout.others[(c >> 1) % layout.others.length];
          addCopy.run(
            c,
            where.applicationId,
            where.deploymentGroupId,
            c * COPY_SPACING_MS,
            c % FAILED_EVERY === 0 ? 1 : 0,
            layout.actors[c % layout.actors.length],
          );
        }
        copyDeployments.run();
        copyTargets.run();
        copyEvents.run();
        copyLogLines.run();
        copyAudit.run();
      })();
      const done = (to - firstCopy) * seeds;
      if ((to - firstCopy) % (BATCH_COPIES * 10) === 0 || to === firstCopy + copies)
        log(`history: copied ${done.toLocaleString("en-US")} deployments in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    db.pragma("wal_checkpoint(TRUNCATE)");
    return copies * seeds;
  } finally {
    db.close();
  }
}

export type StorageFigures = { deployments: number; logLines: number; bytesPerLogLine: number; bytesPerDeployment: number; fileBytes: number };

/**
 * Bytes on disk per log line (log_lines and its indexes) and per deployment (everything else that grows with
 * history: deployments, targets, lifecycle events, audit entries and their indexes), from SQLite's dbstat.
 */
export function measureStorage(file: string): StorageFigures {
  const db = new Database(file, { readonly: true });
  try {
    const sizes = new Map<string, number>();
    for (const row of db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name").all() as { name: string; bytes: number }[])
      sizes.set(row.name, row.bytes);
    const tableOf = new Map<string, string>();
    for (const row of db.prepare("SELECT name, tbl_name FROM sqlite_master").all() as { name: string; tbl_name: string }[]) tableOf.set(row.name, row.tbl_name);
    const bytesOf = (tables: string[]) => [...sizes].filter(([name]) => tables.includes(tableOf.get(name) ?? name)).reduce((sum, [, bytes]) => sum + bytes, 0);
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const deployments = count("deployments");
    const logLines = count("log_lines");
    const history = ["deployments", "deployment_targets", "lifecycle_events", "audit_log", "host_group_results"];
    const fileBytes = (db.prepare("SELECT page_count * page_size AS n FROM pragma_page_count, pragma_page_size").get() as { n: number }).n;
    return {
      deployments,
      logLines,
      bytesPerLogLine: bytesOf(["log_lines"]) / Math.max(1, logLines),
      bytesPerDeployment: bytesOf(history) / Math.max(1, deployments),
      fileBytes,
    };
  } finally {
    db.close();
  }
}
