import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LibvirtProtocolError } from '../../../src/libvirt/errors.js';
import { MESSAGE_MAX, MessageType, REMOTE_PROGRAM } from '../../../src/libvirt/protocol/constants.js';
import { PacketDecoder, encodePacket } from '../../../src/libvirt/protocol/packet.js';

const header = { program: REMOTE_PROGRAM, version: 1, procedure: 283, type: MessageType.CALL, serial: 7, status: 0 };

describe('packet framing', () => {
  it('writes the length word counting itself, then the 24-byte header', () => {
    const frame = encodePacket(header, Buffer.from('00000001', 'hex'));
    expect(frame.readUInt32BE(0)).toBe(32);
    expect(frame.subarray(4, 28).toString('hex')).toBe(
      '20008086' + '00000001' + '0000011b' + '00000000' + '00000007' + '00000000',
    );
  });

  it('reassembles packets split at every possible byte boundary', () => {
    const frames = Buffer.concat([
      encodePacket(header, Buffer.alloc(8, 1)),
      encodePacket({ ...header, serial: 8 }, Buffer.alloc(0)),
    ]);
    for (let cut = 0; cut <= frames.length; cut++) {
      const decoder = new PacketDecoder();
      const packets = [...decoder.push(frames.subarray(0, cut)), ...decoder.push(frames.subarray(cut))];
      expect(packets.map((p) => [p.header.serial, p.payload.length])).toEqual([
        [7, 8],
        [8, 0],
      ]);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('refuses a length word shorter than a header', () => {
    expect(() => new PacketDecoder().push(Buffer.from('00000010', 'hex'))).toThrow(
      /invalid message length 16: shorter than a header/,
    );
  });

  it('refuses an oversized length word before allocating for it', () => {
    const decoder = new PacketDecoder();
    expect(() => decoder.push(Buffer.from('ffffffff', 'hex'))).toThrow(
      /invalid message length 4294967295: over the 33554432-byte limit/,
    );
    expect(decoder.pendingBytes).toBe(4);
  });

  it('holds a partial frame without allocating its declared size', () => {
    const decoder = new PacketDecoder();
    const head = Buffer.alloc(28);
    head.writeUInt32BE(MESSAGE_MAX, 0);
    expect(decoder.push(head)).toEqual([]);
    expect(decoder.pendingBytes).toBe(28);
  });

  it('on random byte streams either yields well-formed packets or throws a protocol error (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 16 }), (chunks) => {
        const decoder = new PacketDecoder(4096);
        try {
          for (const chunk of chunks) {
            for (const packet of decoder.push(Buffer.from(chunk))) {
              expect(packet.payload.length).toBeLessThanOrEqual(4096 - 28);
            }
          }
        } catch (error) {
          expect(error).toBeInstanceOf(LibvirtProtocolError);
        }
        expect(decoder.pendingBytes).toBeLessThanOrEqual(chunks.reduce((n, c) => n + c.length, 0));
      }),
      { numRuns: 2000 },
    );
  });
});
