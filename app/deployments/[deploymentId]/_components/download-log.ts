import type { DeploymentLogLine } from "@/server/contracts/deployment";
import { stripAnsi } from "./ansi-text";

type LogsClient = {
  deployments: {
    logs: { query: (input: { deploymentId: string; targetId?: string; afterSeq: number; limit: number }) => Promise<{ lines: DeploymentLogLine[] }> };
  };
};

const PAGE = 5000;

function formatLine(l: DeploymentLogLine): string {
  return `${new Date(l.at).toISOString()} ${l.hostName} ${l.eventName} ${l.stream === "stderr" ? "ERR " : l.stream === "system" ? "SYS " : ""}${stripAnsi(l.text)}`;
}

/** Pages through the whole stored log (one host or the whole deployment) and saves it as a text file. */
export async function downloadLog(client: LogsClient, deploymentId: string, targetId: string | undefined, fileName: string): Promise<number> {
  const chunks: string[] = [];
  let afterSeq = 0;
  let count = 0;
  for (;;) {
    const page = await client.deployments.logs.query({ deploymentId, targetId, afterSeq, limit: PAGE });
    if (page.lines.length > 0) {
      chunks.push(page.lines.map(formatLine).join("\n") + "\n");
      afterSeq = page.lines[page.lines.length - 1].seq;
      count += page.lines.length;
    }
    if (page.lines.length < PAGE) break;
  }
  const url = URL.createObjectURL(new Blob(chunks, { type: "text/plain;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return count;
}
