import { parseAppSpec } from "../server/contracts/appspec";

/** Parsed appspecs are kept for this many distinct texts (a host switches between few revisions). */
const ENTRIES = 8;

const parsed = new Map<string, ReturnType<typeof parseAppSpec>>();

/**
 * parseAppSpec, remembered by file name and text: one deployment reads the same appspec for DownloadBundle,
 * Install and each hook event, and YAML parsing dominated the agent's CPU per event. Callers must not
 * modify the result.
 */
export function parseAppSpecCached(text: string, fileName: string): ReturnType<typeof parseAppSpec> {
  const key = `${fileName}\0${text}`;
  const hit = parsed.get(key);
  if (hit) {
    // Re-insert: Map order is the eviction order.
    parsed.delete(key);
    parsed.set(key, hit);
    return hit;
  }
  const result = parseAppSpec(text, fileName);
  parsed.set(key, result);
  if (parsed.size > ENTRIES) parsed.delete(parsed.keys().next().value!);
  return result;
}
