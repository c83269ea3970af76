/**
 * bench/xml.ts — renderNetworkXml with fast-xml-parser's XMLBuilder (src/network/xml) next to the
 * xmlbuilder2 version it replaced (kept below as the baseline), in the same process on the same specs:
 * median and p99 per render, run twice with the order swapped, plus validateNetworkSpec alone (both
 * renderers validate first, so that is the floor). Also checks that both give XML that parses back to
 * the same spec, and counts byte-identical documents.
 *
 *   npx tsx bench/xml.ts            (BENCH_SPECS=2000 BENCH_ROUNDS=5 by default)
 *
 * xmlbuilder2 is no longer a dependency; the baseline runs only while it is still installed and is
 * skipped with a note otherwise. The last line of output is one JSON object with every figure.
 */
import fc from 'fast-check';
import type { NetworkMetadata, NetworkSpec } from '../src/network/spec/network-spec.js';
import { validateNetworkSpec } from '../src/network/spec/network-validation.js';
import {
  VNETOPS_METADATA_ELEMENT,
  VNETOPS_METADATA_FIELDS,
  VNETOPS_METADATA_NAMESPACE,
  VNETOPS_METADATA_PREFIX,
} from '../src/network/xml/network-metadata-xml.js';
import { parseNetworkXml, renderNetworkXml } from '../src/network/xml/network-xml.js';
import { networkSpecArbitrary } from '../tools/network-spec-arbitraries.js';
import { quantile, round } from './stats.js';

const SPECS = Number(process.env.BENCH_SPECS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const UUID = '3e3fce45-4f53-4fa7-bb32-11f34168b82b';

/** The part of xmlbuilder2's API the baseline uses (typed here: the package is not a dependency any more). */
interface Xb2Node {
  ele(name: string, attributes?: Record<string, string>): Xb2Node;
  ele(namespace: string, qualifiedName: string): Xb2Node;
  txt(text: string): Xb2Node;
  end(options: { prettyPrint?: boolean; headless?: boolean; wellFormed?: boolean }): string;
}
type Xb2Create = () => Xb2Node;

/** The xmlbuilder2 renderer as it was (network-xml-render.ts before the switch), "&" workaround included. */
function xmlbuilder2Renderer(create: Xb2Create): (spec: NetworkSpec, uuid: string) => string {
  const value = (text: string): string => text.replaceAll('&', '&amp;');
  const attributes = (all: Readonly<Record<string, string | undefined>>): Record<string, string> =>
    Object.fromEntries(
      Object.entries(all).flatMap(([name, text]) => (text === undefined ? [] : [[name, value(text)]])),
    );
  const forwardModes = { nat: 'nat', routed: 'route', open: 'open', bridged: 'bridge', isolated: undefined } as const;
  const addMetadata = (network: Xb2Node, metadata: NetworkMetadata): void => {
    const ours = network
      .ele('metadata')
      .ele(VNETOPS_METADATA_NAMESPACE, `${VNETOPS_METADATA_PREFIX}:${VNETOPS_METADATA_ELEMENT}`);
    for (const field of VNETOPS_METADATA_FIELDS) {
      const text = metadata[field];
      if (text !== undefined)
        ours.ele(VNETOPS_METADATA_NAMESPACE, `${VNETOPS_METADATA_PREFIX}:${field}`).txt(value(text));
    }
  };
  return (spec, uuid) => {
    const checked = validateNetworkSpec(spec);
    const network = create().ele('network');
    network.ele('name').txt(value(checked.name));
    network.ele('uuid').txt(value(uuid));
    if (checked.metadata !== undefined) addMetadata(network, checked.metadata);
    const mode = forwardModes[checked.mode];
    if (mode !== undefined) {
      const dev = checked.mode === 'nat' || checked.mode === 'routed' ? checked.forwardDev : undefined;
      const forward = network.ele('forward', attributes({ mode, dev }));
      if (checked.mode === 'nat' && checked.natPorts !== undefined) {
        forward
          .ele('nat')
          .ele('port', attributes({ start: String(checked.natPorts.start), end: String(checked.natPorts.end) }));
      }
    }
    if (checked.mode === 'bridged') network.ele('bridge', attributes({ name: checked.bridge }));
    else network.ele('bridge', attributes({ name: checked.bridge, stp: 'on', delay: '0' }));
    if (checked.mtu !== undefined) network.ele('mtu', attributes({ size: String(checked.mtu) }));
    if (checked.mode !== 'bridged') {
      if (checked.dnsDomain !== undefined) network.ele('domain', attributes({ name: checked.dnsDomain }));
      for (const [family, config] of [
        ['ipv4', checked.ipv4],
        ['ipv6', checked.ipv6],
      ] as const) {
        if (config === undefined) continue;
        const [, prefix = ''] = config.subnet.split('/');
        const ip = network.ele(
          'ip',
          attributes({ family: family === 'ipv6' ? family : undefined, address: config.gateway, prefix }),
        );
        if (config.dhcp === undefined && config.dhcpHosts === undefined) continue;
        const dhcp = ip.ele('dhcp');
        if (config.dhcp !== undefined)
          dhcp.ele('range', attributes({ start: config.dhcp.start, end: config.dhcp.end }));
        for (const host of config.dhcpHosts ?? [])
          dhcp.ele('host', attributes({ mac: host.mac, name: host.name, ip: host.ip }));
      }
    }
    return network.end({ prettyPrint: true, headless: true, wellFormed: true });
  };
}

async function loadXmlbuilder2(): Promise<Xb2Create | undefined> {
  const specifier = 'xmlbuilder2'; // not a literal import: the package may be gone
  try {
    const module = (await import(specifier)) as { create: Xb2Create };
    return module.create;
  } catch {
    return undefined;
  }
}

/** Median and p99 in microseconds, to 0.1 µs. */
interface Figures {
  readonly medianUs: number;
  readonly p99Us: number;
}

/** Per-call milliseconds of `render` over every spec, `ROUNDS` times (one sample per call). */
function time(specs: readonly NetworkSpec[], render: (spec: NetworkSpec) => unknown): number[] {
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const spec of specs) {
      const start = performance.now();
      render(spec);
      samples.push(performance.now() - start);
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const specs = fc.sample(networkSpecArbitrary, { numRuns: SPECS, seed: 20260101 });
  const xmlbuilder2 = await loadXmlbuilder2();
  const contenders: [string, (spec: NetworkSpec) => unknown][] = [
    ['fast-xml-parser', (spec) => renderNetworkXml(spec, { uuid: UUID })],
  ];
  const result: Record<string, unknown> = { specs: SPECS, rounds: ROUNDS, node: process.version };

  if (xmlbuilder2 === undefined) {
    console.log('xmlbuilder2 is not installed: timing the fast-xml-parser renderer alone');
  } else {
    const legacy = xmlbuilder2Renderer(xmlbuilder2);
    contenders.push(['xmlbuilder2', (spec) => legacy(spec, UUID)]);
    let identical = 0;
    let quotesOnly = 0;
    for (const spec of specs) {
      const ours = renderNetworkXml(spec, { uuid: UUID });
      const theirs = legacy(spec, UUID);
      if (ours === theirs) identical += 1;
      // xmlbuilder2 writes quotes in text as they are, XMLBuilder as &quot; and &apos;: equal meaning.
      else if (ours.replaceAll('&quot;', '"').replaceAll('&apos;', "'") === theirs) quotesOnly += 1;
      else throw new Error(`the two renderers differ beyond quotes on ${JSON.stringify(spec)}:\n${ours}\n${theirs}`);
      const [a, b] = [
        parseNetworkXml(ours, { autostart: spec.autostart }),
        parseNetworkXml(theirs, { autostart: spec.autostart }),
      ];
      if (JSON.stringify(a) !== JSON.stringify(b))
        throw new Error(`the two renderers disagree on ${JSON.stringify(spec)}`);
    }
    console.log(
      `${SPECS} specs: both parse back to the same spec; ${identical} byte-identical, ${quotesOnly} differ only in quotes in text`,
    );
    result.byteIdentical = identical;
    result.quotesOnly = quotesOnly;
  }
  contenders.push(['validateNetworkSpec alone', (spec) => validateNetworkSpec(spec)]);

  // Warm-up, untimed, then two timed runs; the second runs the contenders in reverse order.
  for (const [, render] of contenders) for (const spec of specs) render(spec);
  const runs: Record<string, Figures>[] = [];
  for (const order of [contenders, [...contenders].reverse()]) {
    const figures: Record<string, Figures> = {};
    for (const [name, render] of order) {
      const samples = time(specs, render);
      const stats = {
        medianUs: round(quantile(samples, 0.5) * 1000, 1),
        p99Us: round(quantile(samples, 0.99) * 1000, 1),
      };
      figures[name] = stats;
      console.log(
        `run ${runs.length + 1}  ${name.padEnd(26)} median ${stats.medianUs.toFixed(1).padStart(6)} µs   p99 ${stats.p99Us.toFixed(1).padStart(6)} µs   (n=${samples.length})`,
      );
    }
    runs.push(figures);
  }
  result.runs = runs;
  console.log(JSON.stringify(result));
}

await main();
