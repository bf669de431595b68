/**
 * UI at scale: the deployment page of a failed deployment to 1,000 hosts whose opened host has a
 * 100,000-line log, in real Chromium against the production build.
 *
 *   node --import tsx bench/ui-scale.ts [--quick] [--runs 3]
 *
 * Each run loads the page afresh, then scrolls the log and the host list top to bottom in 50 steps (one
 * step per frame, as a dragged scrollbar does), then searches the log. Prints medians over the runs as a
 * table; when stdout is not a terminal (bench/main.ts), also one JSON line per figure.
 */
import type { CDPSession, Page } from "playwright-core";
import { openBrowser, signIn } from "../e2e/support/browser";
import { startLargeDeploymentServer, type LargeDeployment } from "../e2e/support/large-deployment";
import { TEST_ADMIN } from "../server/test/spawn-server";
import { figure, type Figure } from "./benchmark";
import { renderTable } from "./results-table";

const NAME = "ui-scale";
const SCROLL_STEPS = 50;
/** A long task is one over 50 ms (the Long Tasks API threshold). */
const LONG_TASK_MS = 50;
const HOST_ROW = "[data-testid=target-list] [role=option]";
const LOG_ROW = "[data-testid=log-view] [data-seq]";

type Probe = { longTasks: { start: number; duration: number }[]; marks: Record<string, number> };
declare global {
  interface Window {
    __uiScale?: Probe;
  }
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

/**
 * Runs in the page before its scripts: records long tasks, and on every frame until both are true, when the
 * first host row and the log's last line are in the DOM (ms since navigation start).
 */
function installProbe({ hostRow, logRow, lastSeq }: { hostRow: string; logRow: string; lastSeq: number }): void {
  const probe: Probe = { longTasks: [], marks: {} };
  window.__uiScale = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
  const m = probe.marks;
  const watch = () => {
    const now = performance.now();
    if (m.hostRows === undefined && document.querySelector(hostRow)) m.hostRows = now;
    if (m.firstLogRows === undefined && document.querySelector(logRow)) m.firstLogRows = now;
    if (m.lastLogLine === undefined && document.querySelector(`${logRow}[data-seq="${lastSeq}"]`)) m.lastLogLine = now;
    if (m.hostRows === undefined || m.lastLogLine === undefined) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}

type ScrollResult = { frames: number[]; start: number; end: number; maxRows: number; reachedBottom: boolean };

/** Scrolls `scroller` from top to bottom, one step per frame, and returns the frame intervals meanwhile. */
function scrollThrough({ scroller, row, steps }: { scroller: string; row: string; steps: number }): Promise<ScrollResult> {
  const el = document.querySelector<HTMLElement>(scroller)!;
  const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
  return (async () => {
    el.scrollTop = 0;
    for (let i = 0; i < 5; i++) await frame();
    const max = el.scrollHeight - el.clientHeight;
    const frames: number[] = [];
    let maxRows = 0;
    const start = performance.now();
    let last = await frame();
    // Two extra frames let the last step's work show in the intervals.
    for (let i = 1; i <= steps + 2; i++) {
      if (i <= steps) el.scrollTop = Math.round((max * i) / steps);
      const t = await frame();
      frames.push(t - last);
      last = t;
      maxRows = Math.max(maxRows, el.querySelectorAll(row).length);
    }
    return { frames, start, end: performance.now(), maxRows, reachedBottom: el.scrollHeight - el.scrollTop - el.clientHeight < 2 };
  })();
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const median = (values: number[]) => percentile(values, 50);

async function longTasksBetween(page: Page, start: number, end: number): Promise<number> {
  const tasks = await page.evaluate(() => window.__uiScale!.longTasks);
  return tasks.filter((t) => t.start >= start && t.start <= end && t.duration > LONG_TASK_MS).length;
}

/** Main-thread seconds the page has spent running script so far (Chromium's own accounting). */
async function scriptSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === "ScriptDuration")?.value ?? 0;
}

async function measureScroll(page: Page, cdp: CDPSession, scroller: string, row: string) {
  const scriptBefore = await scriptSeconds(cdp);
  const r = await page.evaluate(scrollThrough, { scroller, row, steps: SCROLL_STEPS });
  const scriptPerStep = (((await scriptSeconds(cdp)) - scriptBefore) * 1000) / SCROLL_STEPS;
  if (!r.reachedBottom) throw new Error(`${scroller} did not reach its bottom`);
  return {
    p50: percentile(r.frames, 50),
    p95: percentile(r.frames, 95),
    max: Math.max(...r.frames),
    longTasks: await longTasksBetween(page, r.start, r.end),
    maxRows: r.maxRows,
    scriptPerStep,
  };
}

async function heapAfterGcMb(cdp: CDPSession): Promise<number> {
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  return usedSize / (1024 * 1024);
}

type RunResult = Record<string, number>;

async function measureOnce(page: Page, cdp: CDPSession, url: string, d: LargeDeployment): Promise<RunResult> {
  await page.goto(`${url}/deployments/${d.deploymentId}`);
  await page.waitForFunction(() => window.__uiScale!.marks.lastLogLine !== undefined && window.__uiScale!.marks.hostRows !== undefined, null, {
    timeout: 120_000,
    polling: 250,
  });
  const marks = await page.evaluate(() => window.__uiScale!.marks);
  await page.getByTestId("log-view").getByText(d.lastLineText).waitFor();
  const loadLongTasks = await longTasksBetween(page, 0, marks.lastLogLine);
  const hostRows = await page.locator(HOST_ROW).count();
  const logRows = await page.locator(LOG_ROW).count();
  const heap = await heapAfterGcMb(cdp);

  const log = await measureScroll(page, cdp, "[data-testid=log-view]", LOG_ROW);
  const hosts = await measureScroll(page, cdp, "[data-testid=target-list]", HOST_ROW);

  const search = page.getByLabel("Search the log");
  let started = performance.now();
  await search.fill(d.needle);
  await page.getByText("1 / 1", { exact: true }).waitFor();
  const searchCount = performance.now() - started;
  started = performance.now();
  await search.press("Enter");
  await page.getByTestId("log-view").getByText(d.needle).waitFor();
  const searchJump = performance.now() - started;

  return {
    hostRowsShown: marks.hostRows,
    firstLogRowsShown: marks.firstLogRows,
    lastLogLineShown: marks.lastLogLine,
    loadLongTasks,
    hostRows,
    logRows,
    heap,
    logP50: log.p50,
    logP95: log.p95,
    logMax: log.max,
    logLongTasks: log.longTasks,
    logMaxRows: log.maxRows,
    logScript: log.scriptPerStep,
    hostP50: hosts.p50,
    hostP95: hosts.p95,
    hostMax: hosts.max,
    hostLongTasks: hosts.longTasks,
    hostMaxRows: hosts.maxRows,
    hostScript: hosts.scriptPerStep,
    searchCount,
    searchJump,
  };
}

function summarize(runs: RunResult[], d: LargeDeployment): Figure[] {
  const m = (key: string) => median(runs.map((r) => r[key]));
  const hosts = `${d.hostCount.toLocaleString("en-US")} hosts`;
  const lines = `${d.logLineCount.toLocaleString("en-US")}-line log`;
  const scrollNote = (what: string) => `${SCROLL_STEPS} steps, one per frame; ${what}`;
  return [
    figure(NAME, `navigation → first host rows (${hosts})`, m("hostRowsShown"), "ms"),
    figure(NAME, "navigation → first log rows", m("firstLogRowsShown"), "ms"),
    figure(NAME, `navigation → last line of the ${lines} shown`, m("lastLogLineShown"), "ms"),
    figure(NAME, "long tasks until then", m("loadLongTasks"), "", undefined, `> ${LONG_TASK_MS} ms`),
    figure(NAME, "host rows in the DOM after load", m("hostRows"), "", { below: 200 }),
    figure(NAME, "log rows in the DOM after load", m("logRows"), "", { below: 300 }),
    figure(NAME, "JS heap after load (after GC)", m("heap"), "MB"),
    figure(NAME, "log scroll: frame time p50", m("logP50"), "ms", undefined, scrollNote(`most rows at once: ${m("logMaxRows")}`)),
    figure(NAME, "log scroll: frame time p95", m("logP95"), "ms"),
    figure(NAME, "log scroll: frame time max", m("logMax"), "ms"),
    figure(NAME, "log scroll: long tasks", m("logLongTasks"), "", undefined, `> ${LONG_TASK_MS} ms`),
    figure(NAME, "log scroll: script time per step", m("logScript"), "ms", undefined, "main thread, whole page"),
    figure(NAME, "host list scroll: frame time p50", m("hostP50"), "ms", undefined, scrollNote(`most rows at once: ${m("hostMaxRows")}`)),
    figure(NAME, "host list scroll: frame time p95", m("hostP95"), "ms"),
    figure(NAME, "host list scroll: frame time max", m("hostMax"), "ms"),
    figure(NAME, "host list scroll: long tasks", m("hostLongTasks"), "", undefined, `> ${LONG_TASK_MS} ms`),
    figure(NAME, "host list scroll: script time per step", m("hostScript"), "ms", undefined, "main thread, whole page"),
    figure(NAME, `search the ${lines}: typed → "1 / 1" shown`, m("searchCount"), "ms", undefined, "includes the browser round trip"),
    figure(NAME, "search: Enter → matching line shown", m("searchJump"), "ms", undefined, "includes the browser round trip"),
  ];
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const runs = Number(option("runs", quick ? "1" : "3"));
  const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${NAME}: ${line}`);
  const seeding = performance.now();
  const stack = await startLargeDeploymentServer(quick ? { hosts: 1000, logLines: 20_000 } : {});
  const d = stack.deployment;
  log(`seeded ${d.hostCount} hosts and ${d.logLineCount} log lines, server up in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await signIn(page, stack.server.url, TEST_ADMIN.email, TEST_ADMIN.password);
    // tsx compiles with esbuild's keepNames, so functions sent to the page call its __name helper.
    await page.addInitScript("globalThis.__name = (fn) => fn;");
    await page.addInitScript(installProbe, { hostRow: HOST_ROW, logRow: LOG_ROW, lastSeq: d.lastLogSeq });
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const results: RunResult[] = [];
    for (let i = 0; i < runs; i++) {
      results.push(await measureOnce(page, cdp, stack.server.url, d));
      log(`run ${i + 1}/${runs}: ${JSON.stringify(Object.fromEntries(Object.entries(results[i]).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`);
    }
    if (browser.problems.length > 0) log(`browser problems: ${browser.problems.join("; ")}`);
    const figures = summarize(results, d);
    console.log(`UI at scale, median of ${runs} run${runs === 1 ? "" : "s"} (Chromium, 1440x900, production build)\n`);
    console.log(renderTable(figures));
    if (!process.stdout.isTTY) for (const f of figures) console.log(JSON.stringify(f));
    if (figures.some((f) => f.met === false)) process.exitCode = 1;
  } finally {
    await browser.close();
    await stack.stop();
  }
}

await main();
