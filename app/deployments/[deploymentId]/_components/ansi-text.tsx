import Anser from "anser";
import type { CSSProperties, ReactNode } from "react";

type Part = { text: string; className: string; style?: CSSProperties };

const cache = new Map<string, Part[]>();
const CACHE_LIMIT = 4000;

/** xterm's 256-colour palette: 16 named, a 6x6x6 cube, then 24 greys. */
function paletteColour(n: number): string | null {
  if (n < 16) return null;
  if (n >= 232) {
    const g = 8 + (n - 232) * 10;
    return `rgb(${g},${g},${g})`;
  }
  const c = n - 16;
  const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
  return `rgb(${level(Math.floor(c / 36))},${level(Math.floor(c / 6) % 6)},${level(c % 6)})`;
}

const named = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

function colour(value: string | null, truecolor: string | null, kind: "fg" | "bg"): { className?: string; css?: string } {
  if (!value) return {};
  if (value === "ansi-truecolor" && truecolor) return { css: `rgb(${truecolor})` };
  const palette = /^ansi-palette-(\d+)$/.exec(value);
  if (palette) {
    const n = Number(palette[1]);
    if (n < 8) return { className: `ansi-${named[n]}-${kind}` };
    if (n < 16) return { className: `ansi-bright-${named[n - 8]}-${kind}` };
    return { css: paletteColour(n) ?? undefined };
  }
  return { className: `${value}-${kind}` };
}

const decorationClass: Record<string, string> = {
  bold: "font-bold",
  // Faint (SGR 2) text still has to keep 4.5:1 against the log background.
  dim: "opacity-75",
  italic: "italic",
  underline: "underline",
  strikethrough: "line-through",
  hidden: "invisible",
};

/** Parses SGR colour codes into styled parts; the text itself is always rendered as text, never as HTML. */
function parse(text: string): Part[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const parts: Part[] = [];
  if (!text.includes("\u001b")) parts.push({ text, className: "" });
  else {
    for (const e of Anser.ansiToJson(text, { use_classes: true, remove_empty: true })) {
      const fg = colour(e.fg, e.fg_truecolor, "fg");
      const bg = colour(e.bg, e.bg_truecolor, "bg");
      const style: CSSProperties = {};
      if (fg.css) style.color = fg.css;
      if (bg.css) style.backgroundColor = bg.css;
      const classes = [fg.className, bg.className, ...e.decorations.map((d) => decorationClass[d])].filter(Boolean).join(" ");
      parts.push({ text: e.content, className: classes, style: fg.css || bg.css ? style : undefined });
    }
  }
  if (cache.size > CACHE_LIMIT) cache.clear();
  cache.set(text, parts);
  return parts;
}

export function stripAnsi(text: string): string {
  return text.includes("\u001b") ? Anser.ansiToText(text) : text;
}

export function AnsiText({ text }: { text: string }): ReactNode {
  const parts = parse(text);
  if (parts.length === 1 && !parts[0].className && !parts[0].style) return parts[0].text;
  return parts.map((p, i) =>
    p.className || p.style ? (
      <span key={i} className={p.className} style={p.style}>
        {p.text}
      </span>
    ) : (
      p.text
    ),
  );
}
