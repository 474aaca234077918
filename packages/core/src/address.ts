/**
 * Whether an address on the internet is one a webhook may be sent to. A
 * registered URL is chosen by an API key's holder; left unchecked, it could
 * make our servers call the cloud's metadata service, our own loopback or a
 * neighbour in the VPC. So in production every address a webhook's host
 * resolves to must be public: at registration, and again at each attempt,
 * where the connection is pinned to the addresses checked so that DNS cannot
 * answer differently in between (rebinding).
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIPv4, isIPv6 } from "node:net";
import type { LookupFunction } from "node:net";

/** Every address a hostname resolves to, as node:dns reports them. */
export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Ranges that are not reachable on the public internet, or reach something of ours. */
const NOT_PUBLIC: [string, number, "ipv4" | "ipv6"][] = [
  ["0.0.0.0", 8, "ipv4"], // "this network"; 0.0.0.0 reaches the local host
  ["10.0.0.0", 8, "ipv4"],
  ["100.64.0.0", 10, "ipv4"], // carrier-grade NAT
  ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"], // link-local, the metadata service among them
  ["172.16.0.0", 12, "ipv4"],
  ["192.0.0.0", 24, "ipv4"], // IETF protocol assignments
  ["192.0.2.0", 24, "ipv4"], // documentation
  ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"], // benchmarking
  ["198.51.100.0", 24, "ipv4"], // documentation
  ["203.0.113.0", 24, "ipv4"], // documentation
  ["224.0.0.0", 4, "ipv4"], // multicast
  ["240.0.0.0", 4, "ipv4"], // reserved, and the broadcast address
  ["::", 96, "ipv6"], // unspecified, loopback, and the deprecated IPv4-compatible form
  ["64:ff9b:1::", 48, "ipv6"], // local-use NAT64
  ["100::", 64, "ipv6"], // discard
  ["2001::", 32, "ipv6"], // Teredo
  ["2001:db8::", 32, "ipv6"], // documentation
  ["fc00::", 7, "ipv6"], // unique local
  ["fe80::", 10, "ipv6"], // link-local
  ["fec0::", 10, "ipv6"], // site-local (deprecated)
  ["ff00::", 8, "ipv6"], // multicast
];

const notPublic = new BlockList();
for (const [network, prefix, family] of NOT_PUBLIC) notPublic.addSubnet(network, prefix, family);

/** The 16 bytes of an IPv6 address (`::` expanded, a dotted IPv4 tail read, a zone dropped). */
function ipv6Bytes(address: string): number[] {
  const [head = "", tail] = address.split("%")[0]!.split("::");
  const groups = (part: string) =>
    part
      ? part.split(":").flatMap((group) => {
          if (isIPv4(group)) return group.split(".").map(Number);
          const value = parseInt(group, 16);
          return [value >> 8, value & 0xff];
        })
      : [];
  const start = groups(head);
  const end = groups(tail ?? "");
  return [...start, ...Array<number>(16 - start.length - end.length).fill(0), ...end];
}

const startsWith = (bytes: number[], prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);

/**
 * The IPv4 address an IPv6 one carries, where traffic to it reaches that IPv4
 * host: IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4
 * (2002:AABB:CCDD::).
 */
function embeddedIpv4(bytes: number[]): string | undefined {
  const mapped = [...Array<number>(10).fill(0), 0xff, 0xff];
  const nat64 = [0x00, 0x64, 0xff, 0x9b, ...Array<number>(8).fill(0)];
  if (startsWith(bytes, mapped) || startsWith(bytes, nat64)) return bytes.slice(12).join(".");
  if (startsWith(bytes, [0x20, 0x02])) return bytes.slice(2, 6).join(".");
  return undefined;
}

/** True for an address on the public internet; false for anything else, malformed included. */
export function isPublic(address: string): boolean {
  if (isIPv4(address)) return !notPublic.check(address, "ipv4");
  if (!isIPv6(address)) return false;
  const embedded = embeddedIpv4(ipv6Bytes(address));
  if (embedded) return isPublic(embedded);
  return !notPublic.check(address.split("%")[0]!, "ipv6");
}

export class NotPublic extends Error {
  override name = "NotPublic";
}

/**
 * Resolves a URL's host and returns its addresses if every one is public
 * (one private answer among public ones is enough to refuse: a client may
 * connect to any of them). Throws NotPublic otherwise; DNS errors pass through.
 */
export async function publicAddresses(url: URL, resolve: Resolve = systemResolve) {
  // Stryker disable next-line Regex: URL.hostname brackets only a whole IPv6 literal, so the anchors change nothing
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const addresses = await resolve(host);
  if (!addresses.length || addresses.some(({ address }) => !isPublic(address))) {
    throw new NotPublic(`${host} resolves to an address that is not public.`);
  }
  return addresses;
}

/**
 * A `lookup` for node:http that answers with addresses already checked, so
 * the connection goes where the check looked and nowhere else.
 */
export function pinnedLookup(addresses: { address: string; family: number }[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = { IPv4: 4, IPv6: 6 }[String(options.family)] ?? Number(options.family ?? 0);
    const usable = addresses.filter((address) => !family || address.family === family);
    const [first] = usable;
    if (!first) return callback(new NotPublic("No checked address of the family asked for."), "", 0);
    if (options.all) return callback(null, usable);
    callback(null, first.address, first.family);
  };
}
