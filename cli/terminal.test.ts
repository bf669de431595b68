import { describe, expect, it } from "vitest";
import { sanitizeTerminalText } from "./terminal";

describe("sanitizeTerminalText", () => {
  it.each([
    ["plain text is unchanged", "deploying web-1", "deploying web-1"],
    ["colours are kept", "\x1b[31mfailed\x1b[0m and \x1b[1;32mok\x1b[m", "\x1b[31mfailed\x1b[0m and \x1b[1;32mok\x1b[m"],
    ["256-colour and truecolour SGR are kept", "\x1b[38;5;208mx\x1b[38:2::1:2:3my", "\x1b[38;5;208mx\x1b[38:2::1:2:3my"],
    ["a window title (OSC 0) ended by BEL is dropped", "a\x1b]0;pwned\x07b", "ab"],
    ["a window title ended by ST is dropped", "a\x1b]2;pwned\x1b\\b", "ab"],
    ["a clipboard write (OSC 52) is dropped", "x\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07y", "xy"],
    ["a screen clear is dropped", "\x1b[2J\x1b[Hclean", "clean"],
    ["a hyperlink (OSC 8) keeps its text and loses the link", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"],
    ["cursor movement is dropped", "a\x1b[5Ab\x1b[10;20Hc", "abc"],
    ["a terminal reset (ESC c) is dropped", "a\x1bcb", "ab"],
    ["a device-control string is dropped", "a\x1bP+q544e\x1b\\b", "ab"],
    ["a one-byte C1 CSI that is not a colour is dropped", "a\x9b2Jb", "ab"],
    ["a one-byte C1 CSI colour is kept as its 7-bit form", "\x9b31mred", "\x1b[31mred"],
    ["a one-byte C1 OSC is dropped", "a\x9d0;title\x07b", "ab"],
    ["an unterminated OSC loses its introducer, so it cannot take effect", "a\x1b]0;title", "a]0;title"],
    ["a bare escape is dropped", "a\x1bb", "ab"],
    ["carriage return, backspace and bell are dropped", "safe\rEVIL\x08\x07", "safeEVIL"],
    ["newline and tab are kept", "one\ttwo\nthree", "one\ttwo\nthree"],
    ["DEL and other C1 characters are dropped", "a\x7fb\x85c", "abc"],
    ["non-ASCII text is unchanged", "déployé ✓ 日本", "déployé ✓ 日本"],
  ])("%s", (_name, input, expected) => {
    expect(sanitizeTerminalText(input)).toBe(expected);
  });
});
