import ansiRegex from "ansi-regex";

const controlSequence = ansiRegex();
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const sgr = /^(?:\x1b\[|\x9b)[0-9;:]*m$/;
// C0 controls but \t and \n, DEL, and the C1 range (0x9b is a one-byte CSI, 0x9d a one-byte OSC on some terminals).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Text from the server (hook output, tags, descriptions) made safe to print: colours (SGR) stay, every other
 * escape sequence (window titles, clipboard writes, screen clears, links, cursor moves) and control character
 * except newline and tab is dropped.
 */
export function sanitizeTerminalText(text: string): string {
  let result = "";
  let last = 0;
  for (const match of text.matchAll(controlSequence)) {
    result += text.slice(last, match.index).replace(controlCharacters, "");
    if (sgr.test(match[0])) result += match[0].replace("\x9b", "\x1b[");
    last = match.index + match[0].length;
  }
  return result + text.slice(last).replace(controlCharacters, "");
}

/** Where the CLI writes: stdout for results, stderr for progress and diagnostics. Colour only on a TTY and without NO_COLOR. */
export type Terminal = {
  /** Print machine-readable JSON on stdout instead of tables. */
  json: boolean;
  /** stderr is a terminal: progress may redraw a line. */
  interactive: boolean;
  color: boolean;
  out: (line?: string) => void;
  err: (line?: string) => void;
  /** Rewrites the current stderr line (interactive only). */
  status: (line: string) => void;
};

export function createTerminal(options: { json: boolean }, env: NodeJS.ProcessEnv = process.env): Terminal {
  const interactive = process.stderr.isTTY === true;
  const color = interactive && process.stdout.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
  let statusShown = false;
  const clearStatus = () => {
    if (statusShown) process.stderr.write("\r\x1b[2K");
    statusShown = false;
  };
  return {
    json: options.json,
    interactive,
    color,
    // With --json, stdout carries only JSON, which must reach the reader byte for byte.
    out: (line = "") => {
      clearStatus();
      process.stdout.write(`${options.json ? line : sanitizeTerminalText(line)}\n`);
    },
    err: (line = "") => {
      clearStatus();
      process.stderr.write(`${sanitizeTerminalText(line)}\n`);
    },
    status: (line) => {
      if (!interactive) return;
      process.stderr.write(`\r\x1b[2K${sanitizeTerminalText(line)}`);
      statusShown = true;
    },
  };
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
export type Style = keyof typeof codes;

export function paint(term: Pick<Terminal, "color">, style: Style, text: string): string {
  return term.color ? `\x1b[${codes[style]}m${text}\x1b[0m` : text;
}

/** Colour for a deployment, host or lifecycle event status. */
export function statusStyle(status: string): Style {
  if (status === "Succeeded" || status === "Online") return "green";
  if (status === "Failed" || status === "Offline" || status === "Unknown") return "red";
  if (status === "Stopped" || status === "Skipped") return "yellow";
  if (status === "InProgress" || status === "Queued" || status === "Created") return "blue";
  return "dim";
}

/** Plain text table: header row, then one row per item; columns padded to the widest cell. */
export function renderTable(term: Pick<Terminal, "color">, headers: string[], rows: string[][], styles: ((cell: string) => Style | null)[] = []): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[], style?: (i: number, cell: string) => string) =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i]);
        return style ? style(i, padded) : padded;
      })
      .join("  ")
      .trimEnd();
  return [
    line(headers, (_i, c) => paint(term, "bold", c)),
    ...rows.map((r) =>
      line(r, (i, c) => {
        const s = styles[i]?.(r[i] ?? "");
        return s ? paint(term, s, c) : c;
      }),
    ),
  ];
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function formatTime(ms: number | null | undefined): string {
  if (!ms) return "-";
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}
