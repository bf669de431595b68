import ipaddr from "ipaddr.js";

/** Which receivers a webhook may reach. */
export type WebhookAddressRules = {
  /** Also refuse loopback, private, carrier-grade NAT, unique-local and every other non-public range. */
  publicOnly: boolean;
};

export const DEFAULT_WEBHOOK_ADDRESS_RULES: WebhookAddressRules = { publicOnly: false };

/** AWS's IPv6 instance metadata address; it lies in the unique-local range, which is otherwise allowed by default. */
const AWS_METADATA_V6 = ipaddr.IPv6.parse("fd00:ec2::254");

function v4FromBytes(bytes: number[]): ipaddr.IPv4 {
  return new ipaddr.IPv4(bytes);
}

/**
 * The IPv4 address an IPv6 address carries, for every form that reaches an IPv4 host: IPv4-mapped
 * (::ffff:a.b.c.d), SIIT (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96 and the
 * local-use 64:ff9b:1::/48), 6to4 (2002:aabb:ccdd::) and Teredo (client address, bit-inverted).
 */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const bytes = v6.toByteArray();
  const last32 = () => v4FromBytes(bytes.slice(12, 16));
  switch (v6.range()) {
    case "ipv4Mapped":
    case "rfc6145":
      return last32();
    case "rfc6052":
      // RFC 6052 section 2.2: a /48 prefix puts the address in bytes 6-7 and 9-10, around the zero u-octet.
      return v6.match(ipaddr.IPv6.parse("64:ff9b::"), 96) ? last32() : v4FromBytes([bytes[6], bytes[7], bytes[9], bytes[10]]);
    case "6to4":
      return v4FromBytes(bytes.slice(2, 6));
    case "teredo":
      return v4FromBytes(bytes.slice(12, 16).map((b) => b ^ 0xff));
  }
  const upper96Zero = bytes.slice(0, 12).every((b) => b === 0);
  const isV6Special = v6.range() === "unspecified" || v6.range() === "loopback";
  return upper96Zero && !isV6Special ? last32() : null;
}

function describeRange(range: string): string {
  switch (range) {
    case "linkLocal":
      return "a link-local address (where cloud metadata services answer)";
    case "unspecified":
      return "an unspecified address";
    case "loopback":
      return "a loopback address";
    case "private":
    case "uniqueLocal":
    case "carrierGradeNat":
      return "a private address";
    default:
      return `a non-public address (${range})`;
  }
}

/**
 * Why a webhook may not reach this address, or null when it may. Names (not addresses) are null here: they are
 * checked as they resolve at each delivery. Every spelling of an address is normalized first, so
 * [::ffff:169.254.169.254], [64:ff9b::a9fe:a9fe] and [::169.254.169.254] are all 169.254.169.254.
 */
export function webhookAddressRefusal(host: string, rules: WebhookAddressRules = DEFAULT_WEBHOOK_ADDRESS_RULES): string | null {
  const bare = host.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(bare)) return null;
  let address: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(bare);
  if (address.kind() === "ipv6") {
    const v6 = address as ipaddr.IPv6;
    if (v6.match(AWS_METADATA_V6, 128)) return describeRange("linkLocal");
    address = embeddedIPv4(v6) ?? v6;
  }
  const range = address.range();
  if (range === "linkLocal" || range === "unspecified") return describeRange(range);
  if (rules.publicOnly && range !== "unicast") return describeRange(range);
  return null;
}
