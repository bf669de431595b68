import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "./webhook-signature";

const secret = "llw_test-secret";
const body = '{"eventType":"DeploymentStart"}';
const t = 1_700_000_000;

describe("webhook signatures", () => {
  it("signs HMAC-SHA256 of '<t>.<body>' in hex", () => {
    // Reference value computed independently: printf '1700000000.{"eventType":"DeploymentStart"}' | openssl dgst -sha256 -hmac llw_test-secret
    expect(signWebhookBody(secret, body, t)).toBe(`t=${t},v1=${"4e1830fd4c1fa5ada6cb5f80fc170b8fcc1d5b568fb2e9509d952ae54a584973"}`);
  });

  it.each([
    ["accepts a fresh signature", signWebhookBody(secret, body, t), t + 10, true],
    ["accepts a signature up to the tolerance old", signWebhookBody(secret, body, t), t + 300, true],
    ["refuses a signature older than the tolerance (replay)", signWebhookBody(secret, body, t), t + 301, false],
    ["refuses a signature made with another secret", signWebhookBody("llw_other", body, t), t, false],
    ["refuses a header whose timestamp was changed", signWebhookBody(secret, body, t).replace(`t=${t}`, `t=${t + 1}`), t, false],
    ["refuses a header without a timestamp", signWebhookBody(secret, body, t).replace(/^t=\d+,/, ""), t, false],
    ["refuses garbage", "v1=zz", t, false],
  ])("%s", (_name, header, nowSeconds, expected) => {
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds })).toBe(expected);
  });

  it("refuses a modified body", () => {
    expect(verifyWebhookSignature(secret, body.replace("Start", "Stop"), signWebhookBody(secret, body, t), { nowSeconds: t })).toBe(false);
  });
});
