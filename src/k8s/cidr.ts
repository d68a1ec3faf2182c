// IPv4 address arithmetic shared by config validation, the catalog (well-known addresses such
// as the DNS Service IP) and the fleet rules of the checker. IPv6 is out of scope for now.

export interface Range {
  start: number;
  end: number;
}

export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** The address range of a CIDR, or a reason it is not one. */
export function parseCidr(text: string): Range | { error: string } {
  const [addr, bitsText, extra] = text.split('/');
  if (extra !== undefined || bitsText === undefined) return { error: `"${text}" is not a CIDR (expected a.b.c.d/n)` };
  const base = parseIPv4(addr);
  const bits = /^\d{1,2}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (base === undefined || !(bits >= 0 && bits <= 32)) return { error: `"${text}" is not a CIDR (expected a.b.c.d/n)` };
  const size = 2 ** (32 - bits);
  if (base % size !== 0) {
    return { error: `"${text}" has host bits set; the network is ${formatIPv4(base - (base % size))}/${bits}` };
  }
  return { start: base, end: base + size - 1 };
}

export const overlaps = (a: Range, b: Range) => a.start <= b.end && b.start <= a.end;

export const contains = (outer: Range, address: number) => address >= outer.start && address <= outer.end;

/** The n-th address of a CIDR (0 is the network address): `hostAddress('10.43.0.0/16', 10)` → `10.43.0.10`. */
export function hostAddress(cidr: string, n: number): string {
  const r = parseCidr(cidr);
  if ('error' in r) throw new Error(r.error);
  if (n < 0 || r.start + n > r.end) throw new Error(`${cidr} has no address number ${n}`);
  return formatIPv4(r.start + n);
}

/** The smallest CIDR holding every one of `cidrs` (all valid): ["10.42.0.0/16", "10.44.0.0/16"] → "10.40.0.0/13". */
export function coveringCidr(cidrs: string[]): string {
  const ranges = cidrs.map((c) => parseCidr(c) as Range);
  const start = Math.min(...ranges.map((r) => r.start));
  const end = Math.max(...ranges.map((r) => r.end));
  let bits = 32;
  while (bits > 0) {
    const size = 2 ** (32 - bits);
    const base = start - (start % size);
    if (base + size - 1 >= end) return `${formatIPv4(base)}/${bits}`;
    bits--;
  }
  return '0.0.0.0/0';
}
