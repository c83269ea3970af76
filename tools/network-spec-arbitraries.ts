/**
 * fast-check arbitraries of VALID network specs in normalised form: every mode, every optional option
 * on or off, subnets anywhere in the address space the rules allow, addresses placed by arithmetic.
 */
import fc from 'fast-check';
import { formatIpAddress } from '../src/network/planning/ip-address.js';
import type {
  DhcpHost,
  IpConfig,
  NetworkMetadata,
  NetworkMode,
  NetworkSpec,
} from '../src/network/spec/network-spec.js';

/** IPv4 blocks the rules refuse, as [first address, prefix]. */
const UNUSABLE_IPV4: readonly [bigint, number][] = [
  [0x00000000n, 8],
  [0x7f000000n, 8],
  [0xa9fe0000n, 16],
  [0xe0000000n, 4],
  [0xf0000000n, 4],
];

const ipv4Text = (value: bigint): string => formatIpAddress({ family: 'ipv4', value });
const ipv6Text = (value: bigint): string => formatIpAddress({ family: 'ipv6', value });

function overlapsUnusable(network: bigint, prefix: number): boolean {
  return UNUSABLE_IPV4.some(([block, blockPrefix]) => {
    const shorter = BigInt(32 - Math.min(prefix, blockPrefix));
    return network >> shorter === block >> shorter;
  });
}

/** Two offsets start <= end within [low, high]. */
function orderedPair(low: bigint, high: bigint): fc.Arbitrary<[bigint, bigint]> {
  return fc
    .tuple(fc.bigInt({ min: low, max: high }), fc.bigInt({ min: low, max: high }))
    .map(([a, b]) => (a <= b ? [a, b] : [b, a]));
}

/** A DHCP range of host offsets in [1, last] that leaves out the gateway offset. */
function rangeAround(gateway: bigint, last: bigint): fc.Arbitrary<[bigint, bigint] | undefined> {
  const sides: fc.Arbitrary<[bigint, bigint]>[] = [];
  if (gateway > 1n) sides.push(orderedPair(1n, gateway - 1n));
  if (gateway < last) sides.push(orderedPair(gateway + 1n, last));
  return fc.option(fc.oneof(...sides), { nil: undefined });
}

const macArbitrary = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255))
  .map((bytes) => `52:54:00:${bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':')}`);
const hostNameArbitrary = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);

function dhcpHostsArbitrary(network: bigint, gateway: bigint, lastHost: bigint): fc.Arbitrary<DhcpHost[]> {
  const offsets = fc.uniqueArray(
    fc.bigInt({ min: 1n, max: lastHost }).filter((offset) => offset !== gateway),
    { maxLength: 3 },
  );
  return offsets.chain((chosen) =>
    fc
      .tuple(
        fc.uniqueArray(macArbitrary, { minLength: chosen.length, maxLength: chosen.length }),
        fc.uniqueArray(hostNameArbitrary, { minLength: chosen.length, maxLength: chosen.length }),
        fc.array(fc.boolean(), { minLength: chosen.length, maxLength: chosen.length }),
      )
      .map(([macs, names, named]) =>
        chosen.map((offset, index) => ({
          mac: macs[index] ?? '',
          ...(named[index] === true ? { name: names[index] ?? '' } : {}),
          ip: ipv4Text(network + offset),
        })),
      ),
  );
}

/** A valid IPv4 config: /8 to /30 anywhere usable, with or without DHCP range and fixed hosts. */
export const ipv4ConfigArbitrary: fc.Arbitrary<IpConfig> = fc
  .tuple(fc.integer({ min: 8, max: 30 }), fc.bigInt({ min: 0n, max: 0xffffffffn }))
  .map(([prefix, address]) => ({ prefix, network: address & ~((1n << BigInt(32 - prefix)) - 1n) }))
  .filter(({ network, prefix }) => !overlapsUnusable(network, prefix))
  .chain(({ prefix, network }) => {
    const lastHost = (1n << BigInt(32 - prefix)) - 2n;
    return fc.bigInt({ min: 1n, max: lastHost }).chain((gateway) =>
      rangeAround(gateway, lastHost).chain((range) =>
        (range === undefined
          ? fc.constant(undefined)
          : fc.option(dhcpHostsArbitrary(network, gateway, lastHost), { nil: undefined })
        ).map((hosts) => ({
          subnet: `${ipv4Text(network)}/${prefix}`,
          gateway: ipv4Text(network + gateway),
          ...(range === undefined
            ? {}
            : { dhcp: { start: ipv4Text(network + range[0]), end: ipv4Text(network + range[1]) } }),
          ...(hosts === undefined || hosts.length === 0 ? {} : { dhcpHosts: hosts }),
        })),
      ),
    );
  });

/** A valid IPv6 config: a unique local /48 to /64, DHCP only on a /64. */
export const ipv6ConfigArbitrary: fc.Arbitrary<IpConfig> = fc
  .tuple(fc.integer({ min: 48, max: 64 }), fc.bigInt({ min: 0n, max: (1n << 120n) - 1n }))
  .map(([prefix, low]) => ({ prefix, network: ((0xfdn << 120n) | low) & ~((1n << BigInt(128 - prefix)) - 1n) }))
  .chain(({ prefix, network }) => {
    const lastHost = (1n << BigInt(128 - prefix)) - 1n;
    return fc.bigInt({ min: 1n, max: lastHost }).chain((gateway) =>
      (prefix === 64 ? rangeAround(gateway, lastHost) : fc.constant(undefined)).map((range) => ({
        subnet: `${ipv6Text(network)}/${prefix}`,
        gateway: ipv6Text(network + gateway),
        ...(range === undefined
          ? {}
          : { dhcp: { start: ipv6Text(network + range[0]), end: ipv6Text(network + range[1]) } }),
      })),
    );
  });

export const networkNameArbitrary = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,49}$/);
export const interfaceNameArbitrary = fc
  .stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/)
  .filter((name) => !['lo', 'all', 'default'].includes(name));
const dnsDomainArbitrary = fc
  .array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/), { minLength: 1, maxLength: 4 })
  .map((labels) => labels.join('.'));

/** One-line printable text within the metadata limits. */
const metadataTextArbitrary = (max: number): fc.Arbitrary<string> =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: max })
    .filter((text) => [...text].length <= max && !/[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u.test(text));

const metadataArbitrary: fc.Arbitrary<NetworkMetadata> = fc
  .record(
    {
      description: metadataTextArbitrary(200),
      requestedBy: metadataTextArbitrary(128),
      jobId: metadataTextArbitrary(128),
    },
    { requiredKeys: [] },
  )
  // fc.record builds null-prototype objects; specs are plain objects.
  .map((metadata) => ({ ...metadata }))
  .filter((metadata) => Object.keys(metadata).length > 0);

const portRangeArbitrary = orderedPair(1n, 65535n).map(([start, end]) => ({ start: Number(start), end: Number(end) }));

function optional<K extends string, T>(key: K, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<Partial<Record<K, T>>> {
  return fc.option(arbitrary, { nil: undefined }).map((value) => {
    const entry: Partial<Record<K, T>> = {};
    if (value !== undefined) entry[key] = value;
    return entry;
  });
}

function specOfMode(mode: NetworkMode): fc.Arbitrary<NetworkSpec> {
  const common = fc.record({ name: networkNameArbitrary, bridge: interfaceNameArbitrary, autostart: fc.boolean() });
  const metadata = optional('metadata', metadataArbitrary);
  if (mode === 'bridged') return fc.tuple(common, metadata).map(([base, meta]) => ({ ...base, ...meta, mode }));
  return fc
    .tuple(
      common,
      metadata,
      ipv4ConfigArbitrary,
      optional('ipv6', ipv6ConfigArbitrary),
      optional('dnsDomain', dnsDomainArbitrary),
    )
    .chain(([base, meta, ipv4, ipv6, dnsDomain]) =>
      fc
        .tuple(
          optional('mtu', fc.integer({ min: ipv6.ipv6 === undefined ? 68 : 1280, max: 65535 })),
          mode === 'nat' || mode === 'routed' ? optional('forwardDev', interfaceNameArbitrary) : fc.constant({}),
          mode === 'nat' ? optional('natPorts', portRangeArbitrary) : fc.constant({}),
        )
        .map(([mtu, forwardDev, natPorts]) => ({
          ...base,
          ...meta,
          ...mtu,
          ipv4,
          ...ipv6,
          ...dnsDomain,
          ...forwardDev,
          ...natPorts,
          mode,
        })),
    );
}

/** Any valid, normalised spec of any mode. */
export const networkSpecArbitrary: fc.Arbitrary<NetworkSpec> = fc
  .constantFrom<NetworkMode>('nat', 'routed', 'isolated', 'open', 'bridged')
  .chain(specOfMode);
