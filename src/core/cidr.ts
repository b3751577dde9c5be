// CIDR arithmetic for every place that matches addresses against blocks (content filters' `cidr`
// operator, IAM's IpAddress conditions): IPv4 and IPv6 addresses (IPv4-mapped tails included) as
// numbers, a block as network and mask, so a match is one AND and one comparison.
import { isIP } from 'node:net';

export interface CidrBlock {
  net: bigint;
  mask: bigint;
  v6: boolean;
}

/** An IPv4 or IPv6 address (IPv4-mapped tails included) as a number; undefined when it is not one. */
export function ipToBigInt(ip: string): bigint | undefined {
  const kind = isIP(ip);
  if (kind === 4) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  if (kind !== 6) return undefined;
  const [head, tail = ''] = ip.split('::');
  const groups = (s: string) => {
    const list = s ? s.split(':') : [];
    const last = list.at(-1);
    if (last?.includes('.')) {
      const n = ipToBigInt(last)!;
      list.splice(-1, 1, (n >> 16n).toString(16), (n & 0xffffn).toString(16));
    }
    return list;
  };
  const h = groups(head);
  const t = groups(tail);
  const all = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** `10.0.0.0/24` or `2001:db8::/32`; undefined when it is not a standard CIDR block. */
export function parseCidrBlock(text: string): CidrBlock | undefined {
  const [ip, bitsText] = text.split('/');
  const kind = isIP(ip);
  const width = kind === 6 ? 128 : 32;
  const bits = Number(bitsText);
  if (!kind || !/^\d+$/.test(bitsText ?? '') || bits > width) return undefined;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return { net: ipToBigInt(ip)! & mask, mask, v6: kind === 6 };
}

export function cidrContains(block: CidrBlock, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const kind = isIP(value);
  return kind !== 0 && (kind === 6) === block.v6 && (ipToBigInt(value)! & block.mask) === block.net;
}
