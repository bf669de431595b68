import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import type { Benchmark, BenchmarkOptions, Figure } from "./benchmark";
import { LOAD_CORE, pinProcess } from "./process-stats";
import { describeEnvironment, renderMarkdown, renderTable, writeResults } from "./results-table";
import { ansibleBenchmark } from "./ansible";
import { bundleBenchmark } from "./bundle";
import { externalBenchmark } from "./external-benchmark";
import { fanoutBenchmark } from "./fanout";
import { historyBenchmark } from "./history";
import { idleBenchmark } from "./idle";
import { logsBenchmark } from "./logs";
import { trivialBenchmark } from "./trivial";

const uploadMemory = externalBenchmark({
  name: "upload-memory",
  file: "bench/upload-memory.ts",
  summary: "server RSS while a 500 MB bundle is uploaded, inspected and stored (bench/upload-memory.ts)",
  quickArgs: ["--mb", "50"],
  parse: (stdout) => {
    const growth = /growth (-?[\d.]+) MB/.exec(stdout);
    const rate = /([\d.]+) MB\/s/.exec(stdout);
    const bundle = /bundle: (\w+), ([\d.]+) MB/.exec(stdout);
    const what = bundle ? `${Math.round(Number(bundle[2]))} MB ${bundle[1]} upload` : "upload";
    return [
      ...(growth ? [{ name: `${what}: server RSS growth`, value: Number(growth[1]), unit: "MB", goal: null, met: null }] : []),
      ...(rate ? [{ name: `${what} + inspection + store: throughput`, value: Number(rate[1]), unit: "MB/s", goal: null, met: null }] : []),
    ];
  },
});
const uiScale = externalBenchmark({
  name: "ui-scale",
  file: "bench/ui-scale.ts",
  summary: "deployment page with 1,000 hosts and a 100,000-line log in Chromium: load, DOM rows, scroll frame times (bench/ui-scale.ts)",
  quickArgs: ["--quick"],
});
const benchmarks: Benchmark[] = [
  trivialBenchmark,
  fanoutBenchmark,
  idleBenchmark,
  logsBenchmark,
  bundleBenchmark,
  ansibleBenchmark,
  historyBenchmark,
  ...(uploadMemory ? [uploadMemory] : []),
  ...(uiScale ? [uiScale] : []),
];

async function main(): Promise<void> {
  const program = new Command("bench")
    .description(`Landline benchmarks. Without names, runs all: ${benchmarks.map((b) => b.name).join(", ")}`)
    .argument("[names...]", "benchmarks to run")
    .option("--quick", "small sizes, for a smoke run on a busy machine", false)
    .option("--fresh", "discard cached data directories (enrolled hosts, bundles) first", false)
    .option("--cpu-prof", "write a V8 CPU profile of the server per scenario (under the data directory)", false)
    .option("--markdown", "also print the table as Markdown", false)
    .option("--data-dir <dir>", "where servers keep data between runs", process.env.LANDLINE_BENCH_DIR ?? path.join(os.tmpdir(), "landline-bench"))
    .addHelpText("after", `\n${benchmarks.map((b) => `  ${b.name.padEnd(14)} ${b.summary}`).join("\n")}`)
    .parse(process.argv);
  const opts = program.opts<{ quick: boolean; fresh: boolean; cpuProf: boolean; markdown: boolean; dataDir: string }>();
  const names = program.args;
  const unknown = names.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length > 0) program.error(`unknown benchmark: ${unknown.join(", ")}; known: ${benchmarks.map((b) => b.name).join(", ")}`);
  const selected = names.length > 0 ? benchmarks.filter((b) => names.includes(b.name)) : benchmarks;

  // The bench process itself is load generator: keep it off the server's core.
  pinProcess(process.pid, LOAD_CORE);
  const startedAt = new Date();
  const options: BenchmarkOptions = {
    dataRoot: path.resolve(opts.dataDir),
    quick: opts.quick,
    fresh: opts.fresh,
    cpuProfile: opts.cpuProf,
    log: (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  };
  const figures: Figure[] = [];
  const runs: Record<string, unknown> = {};
  for (const benchmark of selected) {
    const started = performance.now();
    options.log(`${benchmark.name}: starting`);
    try {
      const result = await benchmark.run(options);
      figures.push(...result.figures);
      runs[benchmark.name] = { seconds: (performance.now() - started) / 1000, details: result.details };
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      options.log(`${benchmark.name}: failed: ${(error as Error).stack ?? message}`);
      figures.push({ benchmark: benchmark.name, name: "(failed)", value: null, unit: "", goal: null, met: false, note: message.split("\n")[0].slice(0, 160) });
      runs[benchmark.name] = { seconds: (performance.now() - started) / 1000, error: message };
    }
    options.log(`${benchmark.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const finishedAt = new Date();
  console.log(renderTable(figures));
  if (opts.markdown) console.log(`\n${renderMarkdown(figures)}`);
  const file = writeResults(
    {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      quick: opts.quick,
      environment: describeEnvironment(options.dataRoot),
      figures,
      runs,
    },
    startedAt,
  );
  console.log(`\nresults: ${path.relative(process.cwd(), file)} (${((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(0)} s)`);
  if (figures.some((f) => f.met === false)) process.exitCode = 1;
}

await main();
