/**
 * Which addresses a webhook may reach in production: the classifier alone,
 * then resolution and the pinned lookup with DNS stood in for.
 */
import { describe, expect, it } from "vitest";
import {
  isPublic,
  NotPublic,
  pinnedLookup,
  publicAddresses,
  systemResolve,
  type Resolve,
} from "@takedown/core/address";

describe("the address classifier", () => {
  it.each([
    ["0.0.0.0", "this host"],
    ["0.1.2.3", "this network"],
    ["10.0.0.1", "private 10/8"],
    ["10.255.255.255", "private 10/8, its last address"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT, its end"],
    ["127.0.0.1", "loopback"],
    ["127.45.0.9", "loopback, anywhere in 127/8"],
    ["169.254.169.254", "the cloud metadata service"],
    ["169.254.0.1", "link-local"],
    ["172.16.0.1", "private 172.16/12"],
    ["172.31.255.255", "private 172.16/12, its end"],
    ["192.0.0.192", "IETF protocol assignments"],
    ["192.0.2.10", "documentation"],
    ["192.168.1.1", "private 192.168/16"],
    ["198.18.0.1", "benchmarking"],
    ["224.0.0.251", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::", "IPv6 unspecified"],
    ["::1", "IPv6 loopback"],
    ["0:0:0:0:0:0:0:1", "IPv6 loopback, written out"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:7f00:1", "IPv4-mapped loopback, in hex"],
    ["0:0:0:0:0:ffff:a9fe:a9fe", "IPv4-mapped metadata service, written out"],
    ["::ffff:10.0.0.1", "IPv4-mapped private"],
    ["::ffff:192.168.0.1", "IPv4-mapped private 192.168/16"],
    ["::127.0.0.1", "IPv4-compatible (deprecated) loopback"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of the metadata service"],
    ["64:ff9b::10.0.0.1", "NAT64 of a private address"],
    ["64:ff9b:1::1", "local-use NAT64"],
    ["2002:7f00:1::", "6to4 of loopback"],
    ["2002:c0a8:101::1", "6to4 of a private address"],
    ["fc00::1", "unique local fc00::/7"],
    ["fd12:3456:789a::1", "unique local fd00::/8"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local with a zone"],
    ["fec0::1", "site-local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["100::1", "discard"],
    ["2001:0:4136:e378::1", "Teredo"],
  ])("refuses %s (%s)", (address) => {
    expect(isPublic(address)).toBe(false);
  });

  it.each([
    "93.184.215.14",
    "8.8.8.8",
    "1.1.1.1",
    "172.15.255.255", // just below 172.16/12
    "172.32.0.1", // just above it
    "100.63.255.255", // just below carrier-grade NAT
    "100.128.0.1", // just above it
    "169.253.255.255",
    "11.0.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8", // IPv4-mapped, of a public address
    "64:ff9b::808:808", // NAT64 of 8.8.8.8
    "2002:808:808::1", // 6to4 of 8.8.8.8
    "64:ff9b::8.8.8.8", // NAT64 of 8.8.8.8, its IPv4 tail written as such
  ])("allows %s", (address) => {
    expect(isPublic(address)).toBe(true);
  });

  it.each(["", "localhost", "example.com", "256.0.0.1", "1.2.3", "::ffff::1", "fe80::1::2"])(
    "refuses %j, which is not an address",
    (address) => {
      expect(isPublic(address)).toBe(false);
    },
  );
});

const dns =
  (answers: Record<string, string[]>): Resolve =>
  async (hostname) => {
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

describe("checking a URL's host", () => {
  const resolve = dns({
    "hooks.example": ["93.184.215.14", "2606:4700:4700::1111"],
    "mixed.example": ["93.184.215.14", "10.0.0.7"],
    "metadata.example": ["169.254.169.254"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "127.0.0.1": ["127.0.0.1"],
    "::1": ["::1"],
  });

  it("returns every address when all are public", async () => {
    const addresses = await publicAddresses(new URL("https://hooks.example/events"), resolve);
    expect(addresses.map((a) => a.address)).toEqual(["93.184.215.14", "2606:4700:4700::1111"]);
  });

  it.each([
    "https://mixed.example/", // one private answer among public ones
    "https://metadata.example/latest/meta-data/",
    "https://mapped.example/",
    "https://127.0.0.1/",
    "https://[::1]:8443/",
  ])("refuses %s", async (url) => {
    await expect(publicAddresses(new URL(url), resolve)).rejects.toBeInstanceOf(NotPublic);
  });

  it("says which host it refused", async () => {
    await expect(publicAddresses(new URL("https://metadata.example/"), resolve)).rejects.toThrow(
      "metadata.example resolves to an address that is not public.",
    );
    await expect(publicAddresses(new URL("https://[::1]:8443/"), resolve)).rejects.toThrow("::1 resolves to");
  });

  it("asks the system resolver for every address, as the system lists them", async () => {
    expect(await systemResolve("127.0.0.1")).toEqual([{ address: "127.0.0.1", family: 4 }]);
  });

  it("lets a DNS failure through as it is", async () => {
    await expect(publicAddresses(new URL("https://nowhere.example/"), resolve)).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
  });
});

describe("the pinned lookup", () => {
  const addresses = [
    { address: "93.184.215.14", family: 4 },
    { address: "2606:4700:4700::1111", family: 6 },
  ];
  const ask = (options: { all?: boolean; family?: number }) =>
    new Promise((resolve, reject) =>
      pinnedLookup(addresses)("rebinding.example", options, (error, address, family) =>
        error ? reject(error) : resolve({ address, family }),
      ),
    );

  it("answers with the checked addresses, whatever the name, never asking DNS again", async () => {
    expect(await ask({})).toEqual({ address: "93.184.215.14", family: 4 });
    expect(await ask({ all: true })).toEqual({ address: addresses, family: undefined });
  });

  it("keeps to the family asked for, by number or by name", async () => {
    expect(await ask({ family: 6 })).toEqual({ address: "2606:4700:4700::1111", family: 6 });
    expect(await ask({ family: "IPv6" as never })).toEqual({ address: "2606:4700:4700::1111", family: 6 });
    expect(await ask({ family: "IPv4" as never })).toEqual({ address: "93.184.215.14", family: 4 });
    await expect(
      new Promise((resolve, reject) =>
        pinnedLookup([addresses[0]!])("x.example", { family: 6 }, (error) => (error ? reject(error) : resolve(null))),
      ),
    ).rejects.toMatchObject({ name: "NotPublic", message: "No checked address of the family asked for." });
  });
});
