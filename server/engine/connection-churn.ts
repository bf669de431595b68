/**
 * A host's agent connection that keeps being replaced by a new one is the mark of two agents running with one
 * credential (a copied agent root, systemd plus a manual start on another root): each reconnect of one takes
 * the host's place from the other, and both run what the server sends. One replacement is ordinary (a
 * half-open link, an agent restarted before the server noticed the old connection drop); several within
 * minutes are not.
 */
export const CONNECTION_CHURN_WINDOW_MS = 10 * 60_000;
export const CONNECTION_CHURN_THRESHOLD = 3;

export type ConnectionChurn = {
  /** Replacements in a row, each within the window of the one before. */
  replacements: number;
  /** Epoch ms of the last replacement, or null when there was none. */
  lastReplacedAt: number | null;
};

/** Counts one more replacement; the count starts again after a quiet window. */
export function countReplacement(churn: ConnectionChurn, now: number): ConnectionChurn {
  const recent = churn.lastReplacedAt !== null && now - churn.lastReplacedAt < CONNECTION_CHURN_WINDOW_MS;
  return { replacements: recent ? churn.replacements + 1 : 1, lastReplacedAt: now };
}

/** The churn worth warning about now, or null once it is rare or has been quiet for a window. */
export function selectConnectionChurnWarning(churn: ConnectionChurn, now: number): { replacements: number; lastReplacedAt: number } | null {
  if (churn.lastReplacedAt === null || churn.replacements < CONNECTION_CHURN_THRESHOLD) return null;
  if (now - churn.lastReplacedAt >= CONNECTION_CHURN_WINDOW_MS) return null;
  return { replacements: churn.replacements, lastReplacedAt: churn.lastReplacedAt };
}
