// IPv4 cidrsubnet/cidrhost, enough for the network plans Terraform modules usually compute.

function parseCidr(cidr: string): { base: number; bits: number } | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base: base - (base % 2 ** (32 - bits)), bits };
}

function formatIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function cidrSubnet(cidr: string, newBits: number, netNum: number): string | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed) return undefined;
  const bits = parsed.bits + newBits;
  if (bits > 32 || netNum < 0 || netNum >= 2 ** newBits) return undefined;
  return `${formatIp(parsed.base + netNum * 2 ** (32 - bits))}/${bits}`;
}

export function cidrHost(cidr: string, hostNum: number): string | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed) return undefined;
  const size = 2 ** (32 - parsed.bits);
  const offset = hostNum < 0 ? size + hostNum : hostNum;
  if (offset < 0 || offset >= size) return undefined;
  return formatIp(parsed.base + offset);
}

/** Whether `inner` lies inside `outer`; undefined when either is not an IPv4 CIDR. */
export function cidrContains(outer: string, inner: string): boolean | undefined {
  const a = parseCidr(outer);
  const b = parseCidr(inner.includes('/') ? inner : `${inner}/32`);
  if (!a || !b) return undefined;
  return b.bits >= a.bits && b.base - (b.base % 2 ** (32 - a.bits)) === a.base;
}
