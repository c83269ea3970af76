import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LibvirtProtocolError } from '../../../src/libvirt/errors.js';
import { Procedures } from '../../../src/libvirt/protocol/procedures.js';
import { remoteError } from '../../../src/libvirt/protocol/remote-types.js';
import {
  type Codec,
  decodeValue,
  encodeValue,
  xdrArray,
  xdrHyper,
  xdrInt,
  xdrOptional,
  xdrString,
  xdrStruct,
  xdrUint,
} from '../../../src/libvirt/xdr/codec.js';
import { XdrReader } from '../../../src/libvirt/xdr/xdr-reader.js';
import { XdrWriter } from '../../../src/libvirt/xdr/xdr-writer.js';

describe('XDR writer', () => {
  it('encodes big-endian ints and pads strings to 4 bytes with zeros', () => {
    const bytes = new XdrWriter().int(-2).uint(0xdeadbeef).string('abcde', 100).bytes();
    expect(bytes.toString('hex')).toBe('fffffffe' + 'deadbeef' + '00000005' + '6162636465000000');
  });

  it('encodes an optional string as a flag then the value', () => {
    expect(encodeValue(xdrOptional(xdrString(10)), null).toString('hex')).toBe('00000000');
    expect(encodeValue(xdrOptional(xdrString(10)), 'ab').toString('hex')).toBe('00000001' + '00000002' + '61620000');
  });

  it('refuses values that do not fit their XDR type', () => {
    expect(() => new XdrWriter().int(2 ** 31)).toThrow(RangeError);
    expect(() => new XdrWriter().uint(-1)).toThrow(RangeError);
    expect(() => new XdrWriter().string('x'.repeat(11), 10)).toThrow(/limit 10/);
  });

  it('encodes CONNECT_LIST_ALL_NETWORKS arguments as two ints', () => {
    expect(encodeValue(Procedures.CONNECT_LIST_ALL_NETWORKS.args, { needResults: 1, flags: 2 }).toString('hex')).toBe(
      '0000000100000002',
    );
  });
});

describe('XDR round trip (property)', () => {
  const lease = xdrStruct({
    name: xdrString(64),
    size: xdrHyper,
    tags: xdrArray(xdrString(16), 8),
    note: xdrOptional(xdrString(32)),
    n: xdrInt,
    u: xdrUint,
  });
  const leaseArb = fc.record({
    name: fc.string({ maxLength: 20 }),
    size: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    tags: fc.array(fc.string({ maxLength: 5 }), { maxLength: 8 }),
    note: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
    n: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    u: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  });

  it('decodes whatever it encodes, and every encoding is a multiple of 4 bytes', () => {
    fc.assert(
      fc.property(leaseArb, (value) => {
        const bytes = encodeValue(lease, value);
        expect(bytes.length % 4).toBe(0);
        expect(decodeValue(lease, bytes, 'lease')).toEqual(value);
      }),
    );
  });
});

describe('XDR reader on hostile input', () => {
  it('refuses a string length over its limit before reading it', () => {
    const reader = new XdrReader(Buffer.from('7fffffff', 'hex'));
    expect(() => reader.string(1024)).toThrow(/exceeds its limit 1024/);
  });

  it('refuses an array count that the remaining bytes cannot hold', () => {
    const reader = new XdrReader(Buffer.from('00001000' + '00000000', 'hex'));
    expect(() => xdrArray(xdrInt, 16384).decode(reader)).toThrow(/array of 4096 needs at least 16384 bytes, 4 left/);
  });

  it('refuses trailing bytes after a whole value', () => {
    expect(() => decodeValue(xdrInt, Buffer.alloc(8), 'an int')).toThrow(/4 unexpected trailing bytes after an int/);
  });

  it('never throws anything but a protocol error on random bytes, whatever the type', () => {
    const codecs: Codec<unknown>[] = [
      remoteError,
      Procedures.CONNECT_LIST_ALL_NETWORKS.reply,
      Procedures.NETWORK_GET_DHCP_LEASES.reply,
      Procedures.CONNECT_LIST_ALL_DOMAINS.reply,
      Procedures.AUTH_LIST.reply,
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.integer({ min: 0, max: codecs.length - 1 }), (bytes, index) => {
        try {
          decodeValue(codecs[index]!, Buffer.from(bytes), 'random');
        } catch (error) {
          expect(error).toBeInstanceOf(LibvirtProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes a truncated copy of a valid reply only as a protocol error', () => {
    const reply = Procedures.CONNECT_LIST_ALL_NETWORKS.reply;
    const valid = encodeValue(reply, {
      nets: [
        { name: 'lab1', uuid: Buffer.alloc(16, 7) },
        { name: 'lab2', uuid: Buffer.alloc(16, 9) },
      ],
      ret: 2,
    });
    for (let cut = 0; cut < valid.length; cut++) {
      expect(() => decodeValue(reply, valid.subarray(0, cut), 'truncated')).toThrow(LibvirtProtocolError);
    }
  });
});
