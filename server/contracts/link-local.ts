/**
 * Addresses a webhook must never reach: the link-local ranges, where cloud metadata services answer
 * (169.254.169.254 on AWS, GCP and Azure), AWS's IPv6 metadata address fd00:ec2::254, and the unspecified
 * address. Pure string logic, so the web app and the server share it.
 */
export function isForbiddenWebhookAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, "");
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a.replace(/^::ffff:/, ""));
  if (v4) {
    const [first, second] = [Number(v4[1]), Number(v4[2])];
    return (first === 169 && second === 254) || first === 0;
  }
  if (!a.includes(":")) return false;
  if (a === "::" || a === "fd00:ec2::254") return true;
  // fe80::/10: fe80 through febf.
  return /^fe[89ab][0-9a-f]:/.test(a);
}
