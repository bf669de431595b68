import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AnsiText, stripAnsi } from "./ansi-text";

const render = (text: string) => renderToStaticMarkup(createElement("div", null, createElement(AnsiText, { text })));

describe("log lines with ANSI colours", () => {
  it("renders colours as classes and keeps the text", () => {
    const html = render("\u001b[31mfailed\u001b[0m and \u001b[1;32mok\u001b[0m");
    expect(html).toBe('<div><span class="ansi-red-fg">failed</span> and <span class="ansi-green-fg font-bold">ok</span></div>');
  });

  it("never lets a script's output become markup", () => {
    const html = render('\u001b[33m<img src=x onerror="alert(1)">\u001b[0m<script>alert(2)</script>');
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("maps 256-colour and true-colour codes to inline colours", () => {
    expect(render("\u001b[38;5;208morange")).toContain('style="color:rgb(255,135,0)"');
    expect(render("\u001b[38;2;10;20;30mdeep")).toContain('style="color:rgb(10, 20, 30)"');
  });

  it("strips escapes for the downloaded log", () => {
    expect(stripAnsi("\u001b[1;34minfo\u001b[0m done")).toBe("info done");
  });
});
