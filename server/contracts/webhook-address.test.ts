import { describe, expect, it } from "vitest";
import { webhookAddressRefusal } from "./webhook-address";

const linkLocal = /link-local/;

describe("webhookAddressRefusal", () => {
  it.each([
    ["the AWS/GCP/Azure metadata address is refused", "169.254.169.254", linkLocal],
    ["its IPv4-mapped form, as the URL parser rewrites it, is refused", "[::ffff:a9fe:a9fe]", linkLocal],
    ["its IPv4-mapped dotted form is refused", "::ffff:169.254.169.254", linkLocal],
    ["its NAT64 form is refused", "[64:ff9b::a9fe:a9fe]", linkLocal],
    ["its local-use NAT64 form is refused", "64:ff9b:1:a9fe:a9:fe00::", linkLocal],
    ["its IPv4-compatible form is refused", "[::a9fe:a9fe]", linkLocal],
    ["its SIIT form is refused", "::ffff:0:a9fe:a9fe", linkLocal],
    ["its 6to4 form is refused", "2002:a9fe:a9fe::1", linkLocal],
    ["an IPv6 link-local address is refused", "[fe80::1]", linkLocal],
    ["AWS's IPv6 metadata address is refused", "fd00:ec2::254", linkLocal],
    ["the unspecified IPv4 address is refused", "0.0.0.0", /unspecified/],
    ["the unspecified IPv6 address is refused", "[::]", /unspecified/],
    ["loopback is allowed by default", "127.0.0.1", null],
    ["a private address is allowed by default", "10.1.2.3", null],
    ["a public address is allowed", "93.184.215.14", null],
    ["a public IPv6 address is allowed", "[2606:2800:21f:cb07:6820:80da:af6b:8b2c]", null],
    ["a name is left to be checked as it resolves", "hooks.example.com", null],
  ])("%s (%s)", (_name, host, expected) => {
    const refusal = webhookAddressRefusal(host);
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(expected);
  });

  it.each([
    ["loopback is refused", "127.0.0.1", /loopback/],
    ["IPv6 loopback is refused", "[::1]", /loopback/],
    ["loopback in IPv4-mapped form is refused", "[::ffff:7f00:1]", /loopback/],
    ["a private address is refused", "10.1.2.3", /private/],
    ["a private address in NAT64 form is refused", "64:ff9b::c0a8:101", /private/],
    ["a unique-local IPv6 address is refused", "fd12:3456::1", /private/],
    ["carrier-grade NAT is refused", "100.64.0.1", /private/],
    ["multicast is refused", "224.0.0.1", /non-public/],
    ["link-local is still refused", "169.254.169.254", linkLocal],
    ["a public address is allowed", "93.184.215.14", null],
    ["a public IPv6 address is allowed", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", null],
  ])("with publicOnly, %s (%s)", (_name, host, expected) => {
    const refusal = webhookAddressRefusal(host, { publicOnly: true });
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(expected);
  });
});
