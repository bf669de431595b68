import { describe, expect, it } from "vitest";
import { parseTags } from "@/agent/config";
import { checkoutCommand, parseTagList, standaloneCommand } from "./enrollment-command";

function argAfter(command: string, flag: string): string | undefined {
  const m = new RegExp(`${flag} (\\S+)`).exec(command);
  return m?.[1];
}

describe("the add-a-host command", () => {
  it("carries tags in the form the agent's own parser reads back", () => {
    const { tags, error } = parseTagList("env=prod, role=web  rack=r1");
    expect(error).toBeNull();
    const command = checkoutCommand("https://landline.example.com", "lle_abc", "web-1", tags);
    expect(parseTags(argAfter(command, "--tags")!)).toEqual(tags);
  });

  it("puts the server, token and name where the agent expects them", () => {
    const command = checkoutCommand("https://landline.example.com", "lle_abc-123_x", "web-1", []);
    expect(command).toBe("npm run agent -- --server https://landline.example.com --enroll lle_abc-123_x --name web-1");
  });

  it("downloads the standalone agent from the same server, authorized by the token, before running it", () => {
    const [download, run] = standaloneCommand("http://10.0.0.5:3000", "lle_abc", "", []).split("\n");
    expect(download).toBe("curl -fsSLo landline-agent.mjs -H 'Authorization: Bearer lle_abc' http://10.0.0.5:3000/api/agent/download");
    expect(run).toBe("node landline-agent.mjs --server http://10.0.0.5:3000 --enroll lle_abc");
  });

  it("quotes anything a shell would split or expand", () => {
    const { tags } = parseTagList("team=a$b");
    expect(checkoutCommand("http://x", "t", "h", tags)).toContain("--tags 'team=a$b'");
  });

  it.each([
    ["a tag without a key", "=prod", '"=prod" has no key'],
    ["a key given twice", "env=a env=b", "tag key env appears twice"],
  ])("refuses %s", (_name, text, message) => {
    expect(parseTagList(text).error).toBe(message);
  });
});
