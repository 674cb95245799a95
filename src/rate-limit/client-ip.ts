import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../errors/config-error.ts';

/**
 * The client address rate limits are keyed by. X-Forwarded-For is honoured only from trusted proxies
 * (TRUST_PROXY: addresses and CIDR ranges); anyone else could write any address in it.
 */

/** The proxies whose X-Forwarded-For is believed; null: none (the socket address is the client). */
export type TrustProxy = BlockList | null;

/** Where an address comes from when the transport has none (the Fetch handler in tests and embedding). */
export const NO_SOCKET_ADDRESS = '127.0.0.1';

const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/** An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d: key it as a.b.c.d. */
function normalized(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** TRUST_PROXY: comma-separated IPs and CIDRs (e.g. "10.0.0.0/8, 192.168.1.7, fd00::/8"), or "loopback". */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined || raw.trim() === '') return null;
  const list = new BlockList();
  for (const entry of raw.split(',').map((part) => part.trim()).flatMap((part) => (part === 'loopback' ? LOOPBACK : [part]))) {
    const [address = '', prefix, extra] = entry.split('/');
    const version = isIP(address);
    const bits = prefix === undefined ? (version === 6 ? 128 : 32) : Number(prefix);
    if (!version || extra !== undefined || !Number.isInteger(bits) || bits < 0 || bits > (version === 6 ? 128 : 32) || (prefix !== undefined && !/^\d+$/.test(prefix))) {
      throw new ConfigError(`TRUST_PROXY must list IP addresses or CIDR ranges (or "loopback"), separated by commas; ${JSON.stringify(entry)} is neither`);
    }
    list.addSubnet(address, bits, version === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/**
 * The client's address: the socket's, or — when the socket is a trusted proxy — the nearest X-Forwarded-For
 * entry (walking from the right) that is not itself a trusted proxy. Malformed entries stop the walk at the
 * last address known good.
 */
export function clientIp(socketAddress: string | undefined, forwardedFor: string | null, trusted: TrustProxy): string {
  let address = normalized(socketAddress || NO_SOCKET_ADDRESS);
  if (!trusted || !forwardedFor) return address;
  const hops = forwardedFor.split(',').map((hop) => normalized(hop.trim()));
  while (hops.length && trusted.check(address, family(address))) {
    const next = hops.pop()!;
    if (!isIP(next)) break;
    address = next;
  }
  return address;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 part as two groups). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * Whose budget a client address spends: an IPv4 address itself; an IPv6 address its /64, the block one
 * subscriber or host is given (it could otherwise take a fresh budget with each of its 2^64 addresses).
 */
export function rateLimitSubject(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${ipv6Groups(address).slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}
