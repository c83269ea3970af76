import type { NetworkId } from '../../src/libvirt/index.js';
import { NetworkUpdateCommand, NetworkUpdateFlags, NetworkUpdateSection } from '../../src/libvirt/index.js';
import {
  type DhcpHost,
  type IpNetworkSpec,
  hasIpConfig,
  parseNetworkXml,
  renderDhcpHostXml,
  renderDhcpRangeXml,
  validateNetworkSpec,
} from '../../src/network/index.js';
import type { JobContext, JobProcessor } from '../job-context.js';
import { JobFailedError } from '../job-failure.js';

/**
 * Changes a network's IPv4 DHCP range or fixed DHCP hosts in place (live and persistent config),
 * without restarting it. The change is applied to the network's spec first and the whole spec
 * validated, so a range outside the subnet or a host on the gateway is refused before libvirt sees it.
 */
export const updateJob: JobProcessor<'update'> = async (context, { name, change }) => {
  const network = await context.libvirt.lookupNetwork(name);
  const [active, persistent] = await Promise.all([
    context.libvirt.isActive(network),
    context.libvirt.isPersistent(network),
  ]);
  const spec = await currentSpec(context, network, persistent);
  const ipv4 = spec.ipv4;
  const flags = (active ? NetworkUpdateFlags.AFFECT_LIVE : 0) | (persistent ? NetworkUpdateFlags.AFFECT_CONFIG : 0);
  const update = (command: number, section: number, xml: string): Promise<void> =>
    context.libvirt.updateNetwork(network, { command, section, parentIndex: -1, xml, flags });

  switch (change.kind) {
    case 'dhcp-range': {
      const next = validateNetworkSpec({ ...spec, ipv4: { ...ipv4, dhcp: change.range } }) as IpNetworkSpec;
      const range = next.ipv4.dhcp!;
      await context.progress('update', `setting the DHCP range of ${name} to ${range.start}-${range.end}`);
      // libvirt cannot modify a range in place: remove the old one, add the new one, and put the
      // old one back if the add is refused, so a failure never leaves the network without DHCP.
      if (ipv4.dhcp)
        await update(NetworkUpdateCommand.DELETE, NetworkUpdateSection.IP_DHCP_RANGE, renderDhcpRangeXml(ipv4.dhcp));
      try {
        await update(NetworkUpdateCommand.ADD_LAST, NetworkUpdateSection.IP_DHCP_RANGE, renderDhcpRangeXml(range));
      } catch (error) {
        if (ipv4.dhcp)
          await update(
            NetworkUpdateCommand.ADD_LAST,
            NetworkUpdateSection.IP_DHCP_RANGE,
            renderDhcpRangeXml(ipv4.dhcp),
          );
        throw error;
      }
      return { hostId: context.hostId, name, applied: `DHCP range ${range.start}-${range.end}` };
    }
    case 'dhcp-host-add': {
      const next = validateNetworkSpec({
        ...spec,
        ipv4: { ...ipv4, dhcpHosts: [...(ipv4.dhcpHosts ?? []), change.host] },
      }) as IpNetworkSpec;
      const host = next.ipv4.dhcpHosts!.at(-1)!;
      await context.progress('update', `adding fixed DHCP host ${describeHost(host)} to ${name}`);
      await update(NetworkUpdateCommand.ADD_LAST, NetworkUpdateSection.IP_DHCP_HOST, renderDhcpHostXml(host));
      return { hostId: context.hostId, name, applied: `fixed DHCP host ${describeHost(host)} added` };
    }
    case 'dhcp-host-remove': {
      const mac = change.mac.toLowerCase();
      const host = ipv4.dhcpHosts?.find((h) => h.mac === mac);
      if (!host) throw new JobFailedError('not-found', `network ${name} has no fixed DHCP host with MAC ${mac}`);
      await context.progress('update', `removing fixed DHCP host ${describeHost(host)} from ${name}`);
      await update(NetworkUpdateCommand.DELETE, NetworkUpdateSection.IP_DHCP_HOST, renderDhcpHostXml(host));
      return { hostId: context.hostId, name, applied: `fixed DHCP host ${describeHost(host)} removed` };
    }
  }
};

async function currentSpec(context: JobContext, network: NetworkId, persistent: boolean): Promise<IpNetworkSpec> {
  const xml = await context.libvirt.getNetworkXml(network, { inactive: persistent });
  let spec;
  try {
    spec = parseNetworkXml(xml, { autostart: false }).spec;
  } catch (error) {
    throw new JobFailedError(
      'invalid-request',
      `vnetops cannot change network ${network.name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!hasIpConfig(spec))
    throw new JobFailedError(
      'invalid-request',
      `network ${network.name} is bridged: it has no DHCP of its own to change`,
    );
  return spec;
}

function describeHost(host: DhcpHost): string {
  return `${host.mac} → ${host.ip}${host.name ? ` (${host.name})` : ''}`;
}
