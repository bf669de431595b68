import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Deps } from "../deps";
import { DomainError } from "../domain-errors";

/**
 * Counts failed sign-ins in memory (a restart forgets them), so that nobody can lock a user out:
 * - per account and address: the guesses one address may make at one account;
 * - per address: the guesses one address may make at all accounts together;
 * - per account (the brake): once an account has had many failures from anywhere, an address that has already
 *   failed on it is refused, while an address that has not (the user's own, say) may still sign in.
 * Every attempt is counted as a failure before the password is checked, so parallel guesses cannot slip past
 * the limits while argon2 runs; a success takes its attempt back.
 */
export type SignInLimiter = {
  /** Counts one attempt; throws RATE_LIMITED (details.retryAfterSeconds) when a limit refuses it. */
  reserveAttempt(email: string, ip: string | null): Promise<void>;
  /** Clears the failures of this account from this address and returns the attempt to the other counters. */
  recordSuccess(email: string, ip: string | null): Promise<void>;
};

export type SignInLimits = {
  /** Failed attempts allowed per account from one address within `windowSeconds`. */
  perAccountAndAddress: number;
  /** Failed attempts allowed per address (all accounts) within `windowSeconds`. */
  perAddress: number;
  windowSeconds: number;
  /** Failures of one account (all addresses) within `brakeWindowSeconds` that turn the brake on. */
  accountBrake: number;
  brakeWindowSeconds: number;
};

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perAccountAndAddress: 5,
  perAddress: 20,
  windowSeconds: 15 * 60,
  accountBrake: 50,
  brakeWindowSeconds: 60 * 60,
};

export function createSignInLimiter(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS): SignInLimiter {
  const byPair = new RateLimiterMemory({ keyPrefix: "account+address", points: limits.perAccountAndAddress, duration: limits.windowSeconds });
  const byAddress = new RateLimiterMemory({ keyPrefix: "address", points: limits.perAddress, duration: limits.windowSeconds });
  const byAccount = new RateLimiterMemory({ keyPrefix: "account", points: limits.accountBrake, duration: limits.brakeWindowSeconds });
  const addressKey = (ip: string | null) => ip ?? "unknown";
  const pairKey = (email: string, ip: string | null) => `${email.trim().toLowerCase()}|${addressKey(ip)}`;
  const accountKey = (email: string) => email.trim().toLowerCase();

  return {
    async reserveAttempt(email, ip) {
      try {
        await byAddress.consume(addressKey(ip));
      } catch (rejection) {
        throw rateLimited(rejection);
      }
      let pair: RateLimiterRes;
      try {
        pair = await byPair.consume(pairKey(email, ip));
      } catch (rejection) {
        await byAddress.reward(addressKey(ip), 1);
        throw rateLimited(rejection);
      }
      const account = await byAccount.get(accountKey(email));
      const braking = account !== null && account.consumedPoints >= limits.accountBrake;
      // Under the brake an address gets no second attempt; its first one (consumedPoints 1) may be the user.
      if (braking && pair.consumedPoints > 1) {
        await Promise.all([byAddress.reward(addressKey(ip), 1), byPair.reward(pairKey(email, ip), 1)]);
        throw rateLimited(account);
      }
      await byAccount.penalty(accountKey(email), 1);
    },
    async recordSuccess(email, ip) {
      await Promise.all([byPair.delete(pairKey(email, ip)), byAddress.reward(addressKey(ip), 1), byAccount.reward(accountKey(email), 1)]);
    },
  };
}

function rateLimited(rejection: unknown): unknown {
  if (!(rejection instanceof RateLimiterRes)) return rejection;
  const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new DomainError("RATE_LIMITED", `Too many failed sign-ins; try again in ${minutes === 1 ? "1 minute" : `${minutes} minutes`}`, {
    retryAfterSeconds,
  });
}

const fallbackLimiters = new WeakMap<object, SignInLimiter>();

/** The limiter main.ts registered, or one kept per database (createCaller tests build no services). */
export function signInLimiterFor(deps: Pick<Deps, "db" | "services">): SignInLimiter {
  if (deps.services.signInLimiter) return deps.services.signInLimiter;
  let limiter = fallbackLimiters.get(deps.db);
  if (!limiter) {
    limiter = createSignInLimiter();
    fallbackLimiters.set(deps.db, limiter);
  }
  return limiter;
}
