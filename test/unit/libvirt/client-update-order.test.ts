import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LibvirtClient, NetworkUpdateCommand, NetworkUpdateSection } from '../../../src/libvirt/index.js';
import { DriverFeature, MessageType, REMOTE_PROGRAM } from '../../../src/libvirt/protocol/constants.js';
import { PacketDecoder, encodePacket } from '../../../src/libvirt/protocol/packet.js';
import { Procedures } from '../../../src/libvirt/protocol/procedures.js';
import { decodeValue, encodeValue } from '../../../src/libvirt/xdr/codec.js';

/**
 * Daemons from before libvirt fixed virNetworkUpdate expect `command` and `section` swapped; the
 * client must ask (feature 16) and adapt. Old daemons are not at hand, so a scripted peer on a
 * real unix socket plays one, answering each procedure from a table.
 */
let dir: string;
let server: Server;
let updates: { command: number; section: number }[];

function startPeer(hasCorrectOrder: boolean): Promise<void> {
  updates = [];
  server = createServer((socket) => {
    const decoder = new PacketDecoder();
    socket.on('data', (chunk) => {
      for (const { header, payload } of decoder.push(chunk)) {
        let reply: Buffer;
        switch (header.procedure) {
          case Procedures.AUTH_LIST.number:
            reply = encodeValue(Procedures.AUTH_LIST.reply, { types: [0] });
            break;
          case Procedures.CONNECT_SUPPORTS_FEATURE.number: {
            const { feature } = decodeValue(Procedures.CONNECT_SUPPORTS_FEATURE.args, payload, 'args');
            const supported = feature === DriverFeature.NETWORK_UPDATE_HAS_CORRECT_ORDER ? hasCorrectOrder : false;
            reply = encodeValue(Procedures.CONNECT_SUPPORTS_FEATURE.reply, { supported });
            break;
          }
          case Procedures.NETWORK_UPDATE.number: {
            const args = decodeValue(Procedures.NETWORK_UPDATE.args, payload, 'args');
            updates.push({ command: args.command, section: args.section });
            reply = Buffer.alloc(0);
            break;
          }
          default:
            reply = Buffer.alloc(0); // CONNECT_OPEN, CONNECT_CLOSE: void replies
        }
        socket.write(encodePacket({ ...header, program: REMOTE_PROGRAM, type: MessageType.REPLY, status: 0 }, reply));
      }
    });
  });
  return new Promise((resolve) => server.listen(join(dir, 'sock'), resolve));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vnetops-update-'));
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const update = {
  command: NetworkUpdateCommand.ADD_LAST,
  section: NetworkUpdateSection.IP_DHCP_HOST,
  parentIndex: -1,
  xml: '<host/>',
  flags: 0,
};
const network = { name: 'lab1', uuid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' };

describe('NETWORK_UPDATE argument order', () => {
  it('sends command then section to a daemon that has the fix', async () => {
    await startPeer(true);
    const client = await LibvirtClient.connect(`qemu:///system?socket=${join(dir, 'sock')}`, {
      keepalive: false,
      reconnect: false,
    });
    await client.updateNetwork(network, update);
    await client.updateNetwork(network, update);
    await client.close();
    expect(updates).toEqual([
      { command: 3, section: 4 },
      { command: 3, section: 4 },
    ]);
  });

  it('swaps them for a daemon that predates the fix', async () => {
    await startPeer(false);
    const client = await LibvirtClient.connect(`qemu:///system?socket=${join(dir, 'sock')}`, {
      keepalive: false,
      reconnect: false,
    });
    await client.updateNetwork(network, update);
    await client.close();
    expect(updates).toEqual([{ command: 4, section: 3 }]);
  });
});
