import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";

/** zxcvbn's 0–4 scale; 3 is "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_PASSWORD_SCORE = 3;

let checker: ZxcvbnFactory | undefined;

/** Words a guesser would try first for this user: the email, its parts, the name, and the product's name. */
function guessableWordsOf(user: { email: string; name?: string | null }): string[] {
  const words = [user.email, ...user.email.split(/[@.+_-]/), "landline"];
  if (user.name) words.push(user.name, ...user.name.split(/\s+/));
  return words.filter((w) => w.length >= 3);
}

/**
 * Why a password is too easy to guess (zxcvbn's warning and suggestions), or null when it is strong enough.
 * Common passwords, keyboard walks, repeats, dates and the user's own email or name all score low.
 */
export function describePasswordWeakness(password: string, user: { email: string; name?: string | null }): string | null {
  checker ??= new ZxcvbnFactory({ translations: en.translations, graphs: common.adjacencyGraphs, dictionary: { ...common.dictionary, ...en.dictionary } });
  const result = checker.check(password, guessableWordsOf(user));
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => Boolean(s));
  if (advice.length === 0) advice.push("Use a longer passphrase of several uncommon words.");
  return `This password is too easy to guess. ${advice.join(" ")}`;
}
