import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../server/test/spawn-server";
import type { Benchmark, Figure } from "./benchmark";
import { pinnedCommand } from "./process-stats";

/** What an external benchmark may print, one JSON object per stdout line; other lines are ignored. */
type PrintedFigure = { name: string; value: number | null; unit?: string; goal?: string | null; met?: boolean | null; note?: string };

function isPrintedFigure(value: unknown): value is PrintedFigure {
  const v = value as PrintedFigure;
  return typeof v === "object" && v !== null && typeof v.name === "string" && (typeof v.value === "number" || v.value === null);
}

/** Parses the figures an external benchmark printed; without any, reports its last line and exit status. */
export function figuresFromOutput(benchmark: string, stdout: string, exitCode: number | null): Figure[] {
  const figures: Figure[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isPrintedFigure(parsed)) {
        figures.push({
          benchmark,
          name: parsed.name,
          value: parsed.value,
          unit: parsed.unit ?? "",
          goal: parsed.goal ?? null,
          met: parsed.met ?? null,
          ...(parsed.note ? { note: parsed.note } : {}),
        });
      }
    } catch {
      // not a figure
    }
  }
  if (figures.length > 0) return figures;
  const last = stdout.trim().split("\n").at(-1) ?? "";
  return [{ benchmark, name: "exit status", value: exitCode, unit: "", goal: "0", met: exitCode === 0, note: last.slice(0, 160) }];
}

export type ExternalBenchmarkOptions = {
  name: string;
  /** Path from the repository root. */
  file: string;
  summary: string;
  /** Arguments for a --quick run. */
  quickArgs?: string[];
  /** Reads figures from a program that prints text instead of JSON lines. */
  parse?: (stdout: string) => Omit<Figure, "benchmark">[];
};

/**
 * A benchmark program kept in bench/ by its own owner, run as a subprocess (`node --import tsx <file>`).
 * It prints its figures as JSON lines ({ name, value, unit, goal, met, note }) unless `parse` reads its text;
 * null when the file is absent.
 */
export function externalBenchmark({ name, file, summary, quickArgs = [], parse }: ExternalBenchmarkOptions): Benchmark | null {
  const full = path.join(REPO_ROOT, file);
  if (!fs.existsSync(full)) return null;
  return {
    name,
    summary,
    async run(options) {
      const args = ["--import", "tsx", file, ...(options.quick ? quickArgs : [])];
      const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve, reject) => {
        // It starts its own server and clients: give it the whole machine, not the bench process's core.
        const [command, ...rest] = [...pinnedCommand("all"), process.execPath, ...args];
        const child = spawn(command, rest, {
          cwd: REPO_ROOT,
          stdio: ["ignore", "pipe", "inherit"],
          env: { ...process.env, LANDLINE_BENCH_DIR: options.dataRoot },
        });
        let out = "";
        child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
        child.on("error", reject);
        child.on("exit", (exitCode) => resolve({ stdout: out, code: exitCode }));
      });
      const parsed = code === 0 && parse ? parse(stdout).map((f) => ({ benchmark: name, ...f })) : [];
      const figures = parsed.length > 0 ? parsed : figuresFromOutput(name, stdout, code);
      return { figures, details: { exitCode: code, stdout: stdout.slice(-4000) } };
    },
  };
}
