import type { Command } from '../commands/index.js';
import type { CreateRequest, JobName, JobPayload } from '../contract/index.js';

/** A command that runs as one job on one host: its job name, payload and the network it names. */
export interface CommandJob<N extends JobName = JobName> {
  name: N;
  payload: JobPayload<N>;
  /** The existing network the command acts on (to find its host); undefined for create and host-wide reads. */
  network?: string;
}

/** Who asked, as the job contract records it. */
export interface JobRequester {
  userId: string;
  userName?: string;
}

/** The job a command becomes, or undefined for commands the bot answers itself (help, hosts, status, audit, list). */
export function jobOfCommand(command: Command, requestedBy: JobRequester): CommandJob | undefined {
  switch (command.kind) {
    case 'info':
      return {
        name: 'info',
        payload: { requestedBy, name: command.name, includeXml: command.xml },
        network: command.name,
      };
    case 'create':
      return { name: 'create', payload: { requestedBy, request: createRequestOf(command) } };
    case 'delete':
      return {
        name: 'delete',
        payload: { requestedBy, name: command.name, force: command.force },
        network: command.name,
      };
    case 'start':
    case 'stop':
      return { name: command.kind, payload: { requestedBy, name: command.name }, network: command.name };
    case 'autostart':
      return {
        name: 'autostart',
        payload: { requestedBy, name: command.name, enabled: command.enabled },
        network: command.name,
      };
    case 'leases':
      return { name: 'leases', payload: { requestedBy, name: command.name }, network: command.name };
    case 'bridges':
      return {
        name: 'bridges',
        payload: { requestedBy, ...(command.name ? { name: command.name } : {}) },
        ...(command.name ? { network: command.name } : {}),
      };
    case 'update':
      return {
        name: 'update',
        payload: { requestedBy, name: command.name, change: command.change },
        network: command.name,
      };
    default:
      return undefined;
  }
}

/** The worker's create request for a parsed create command (the worker plans whatever is left out). */
export function createRequestOf(command: Extract<Command, { kind: 'create' }>): CreateRequest {
  return {
    mode: command.mode,
    name: command.name,
    ...(command.subnet !== undefined ? { subnet: command.subnet } : {}),
    ...(command.gateway !== undefined ? { gateway: command.gateway } : {}),
    ...(command.dhcp !== undefined ? { dhcp: command.dhcp } : {}),
    ...(command.bridge !== undefined ? { bridge: command.bridge } : {}),
    ...(command.dev !== undefined ? { forwardDev: command.dev } : {}),
    ...(command.ipv6 !== undefined ? { ipv6: { subnet: command.ipv6 } } : {}),
    ...(command.mtu !== undefined ? { mtu: command.mtu } : {}),
    ...(command.autostart ? { autostart: true } : {}),
  };
}
