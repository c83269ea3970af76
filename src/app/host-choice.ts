import type { HostStatus } from '../contract/index.js';
import type { HostRegistry, JobClient } from '../queue/index.js';

/** Which host a command goes to, or why none could be chosen (words for the person). */
export type HostChoice = { ok: true; hostId: string } | { ok: false; message: string };

/** Who the bot's own lookups are on behalf of. */
const LOOKUP_REQUESTER = { userId: 'vnetops-bot', userName: 'vnetops' };

/**
 * Picks the host of a command that did not say `--host`: the only host there is, or — for a
 * command on an existing network — the one host that has a network of that name.
 */
export class HostChooser {
  constructor(
    private readonly registry: HostRegistry,
    private readonly jobs: JobClient,
    private readonly lookupTimeoutMs = 10_000,
  ) {}

  /** Every registered host with its status. */
  hosts(): Promise<HostStatus[]> {
    return this.registry.list();
  }

  /**
   * The host for a command. `given` is `--host`; `network` is the network an existing-network
   * command names (undefined for create, which needs `--host` once there are several hosts).
   */
  async choose(given: string | undefined, network: string | undefined): Promise<HostChoice> {
    const hosts = await this.registry.list();
    if (given !== undefined) {
      if (hosts.some((h) => h.hostId === given)) return { ok: true, hostId: given };
      return { ok: false, message: `there is no host "${given}"; known hosts: ${names(hosts)}` };
    }
    if (hosts.length === 0)
      return { ok: false, message: 'no host has registered yet: start a vnetops worker on a libvirt host' };
    if (hosts.length === 1) return { ok: true, hostId: hosts[0]!.hostId };
    if (network === undefined)
      return { ok: false, message: `there are several hosts (${names(hosts)}): say which with --host` };
    const up = hosts.filter((h) => h.up);
    const found = await Promise.all(
      up.map(async (h) => ((await this.hasNetwork(h.hostId, network)) ? h.hostId : undefined)),
    );
    const holders = found.filter((id): id is string => id !== undefined);
    if (holders.length === 1) return { ok: true, hostId: holders[0]! };
    if (holders.length > 1)
      return {
        ok: false,
        message: `hosts ${holders.join(', ')} each have a network "${network}": say which with --host`,
      };
    const down = hosts.filter((h) => !h.up).map((h) => h.hostId);
    return {
      ok: false,
      message: `no host has a network "${network}"${down.length > 0 ? ` (hosts ${down.join(', ')} are down and were not asked)` : ''}`,
    };
  }

  private async hasNetwork(hostId: string, network: string): Promise<boolean> {
    try {
      const { jobId } = await this.jobs.submit(hostId, 'list', { requestedBy: LOOKUP_REQUESTER });
      const outcome = await this.jobs.waitForOutcome<'list'>(hostId, jobId, { timeoutMs: this.lookupTimeoutMs });
      return outcome.ok && outcome.result.networks.some((n) => n.name === network);
    } catch {
      return false; // a host that cannot answer does not have it, as far as this choice goes
    }
  }
}

function names(hosts: readonly HostStatus[]): string {
  return hosts.map((h) => h.hostId).join(', ') || 'none';
}
