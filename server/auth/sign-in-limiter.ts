import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { DomainError } from "../domain-errors";

/**
 * Counts sign-in attempts per account and per client address, in memory (a restart forgets them).
 * Every attempt is counted as a failure before the password is checked, so parallel guesses cannot
 * slip past the limit while argon2 runs; a success takes its attempt back.
 */
export type SignInLimiter = {
  /** Counts one attempt; throws RATE_LIMITED (details.retryAfterSeconds) when the account or address is over its limit. */
  reserveAttempt(email: string, ip: string | null): Promise<void>;
  /** Clears the account's failures and returns the address's attempt; other failures from the address still count. */
  recordSuccess(email: string, ip: string | null): Promise<void>;
};

export type SignInLimits = {
  /** Failed attempts allowed per account within the window. */
  perAccount: number;
  /** Failed attempts allowed per client address within the window. */
  perAddress: number;
  windowSeconds: number;
};

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAccount: 5, perAddress: 20, windowSeconds: 15 * 60 };

export function createSignInLimiter(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS): SignInLimiter {
  const byAccount = new RateLimiterMemory({ keyPrefix: "account", points: limits.perAccount, duration: limits.windowSeconds });
  const byAddress = new RateLimiterMemory({ keyPrefix: "address", points: limits.perAddress, duration: limits.windowSeconds });
  const addressKey = (ip: string | null) => ip ?? "unknown";

  return {
    async reserveAttempt(email, ip) {
      try {
        await byAccount.consume(email);
      } catch (rejection) {
        throw rateLimited(rejection);
      }
      try {
        await byAddress.consume(addressKey(ip));
      } catch (rejection) {
        await byAccount.reward(email, 1);
        throw rateLimited(rejection);
      }
    },
    async recordSuccess(email, ip) {
      await Promise.all([byAccount.delete(email), byAddress.reward(addressKey(ip), 1)]);
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
