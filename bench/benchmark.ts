/** One printed number: a row of the results table. */
export type Figure = {
  /** Benchmark the figure belongs to, e.g. "fanout". */
  benchmark: string;
  /** What was measured, e.g. "AllAtOnce, 1,000 hosts: create → Succeeded". */
  name: string;
  /** The measurement in `unit`; null when it could not be taken. */
  value: number | null;
  unit: string;
  /** The goal as text, e.g. "< 5 s"; null for context figures without a goal. */
  goal: string | null;
  /** Whether the goal is met; null without a goal or a value. */
  met: boolean | null;
  /** Context printed beside the figure: the floor, a ratio, why a value is missing. */
  note?: string;
};

export type BenchmarkOptions = {
  /** Directory for server data, cached host credentials and bundles; reused between runs. */
  dataRoot: string;
  /** Small sizes for a smoke run on a busy machine. */
  quick: boolean;
  /** Discard cached data directories first. */
  fresh: boolean;
  /** Write a V8 CPU profile of the server for each scenario. */
  cpuProfile: boolean;
  /** Progress lines (stderr). */
  log: (line: string) => void;
};

export type BenchmarkRun = {
  figures: Figure[];
  /** Raw numbers kept in the JSON results only. */
  details: Record<string, unknown>;
};

export type Benchmark = {
  name: string;
  /** One line for --help and the README. */
  summary: string;
  run: (options: BenchmarkOptions) => Promise<BenchmarkRun>;
};

/** A figure compared with an upper bound ("<") or lower bound ("≥"). */
export function figure(
  benchmark: string,
  name: string,
  value: number | null,
  unit: string,
  goal?: { below: number } | { atLeast: number } | { text: string; met: boolean | null },
  note?: string,
): Figure {
  let goalText: string | null = null;
  let met: boolean | null = null;
  if (goal && "below" in goal) {
    goalText = `< ${formatNumber(goal.below)} ${unit}`.trim();
    met = value === null ? null : value < goal.below;
  } else if (goal && "atLeast" in goal) {
    goalText = `≥ ${formatNumber(goal.atLeast)} ${unit}`.trim();
    met = value === null ? null : value >= goal.atLeast;
  } else if (goal) {
    goalText = goal.text;
    met = value === null ? null : goal.met;
  }
  return { benchmark, name, value, unit, goal: goalText, met, ...(note ? { note } : {}) };
}

/** 1234.5 -> "1,235"; 12.345 -> "12.3"; 0.01234 -> "0.0123". */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
