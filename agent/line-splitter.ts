import { StringDecoder } from "node:string_decoder";
import { MAX_LINE_LENGTH, splitLongLine } from "./log-journal";

/** Splits a byte stream into lines (LF or CRLF), decoding UTF-8 across chunk borders; never buffers more than one line. */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";

  constructor(private readonly emit: (text: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk);
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      const end = newline > start && text[newline - 1] === "\r" ? newline - 1 : newline;
      for (const piece of splitLongLine(text.slice(start, end))) this.emit(piece);
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    this.partial = text.slice(start);
    while (this.partial.length > MAX_LINE_LENGTH) {
      this.emit(this.partial.slice(0, MAX_LINE_LENGTH));
      this.partial = this.partial.slice(MAX_LINE_LENGTH);
    }
  }

  flush(): void {
    this.partial += this.decoder.end();
    if (this.partial.length > 0) for (const piece of splitLongLine(this.partial)) this.emit(piece);
    this.partial = "";
  }
}
