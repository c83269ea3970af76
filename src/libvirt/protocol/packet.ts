import { LibvirtProtocolError } from '../errors.js';
import { HEADER_SIZE, LENGTH_WORD_SIZE, MESSAGE_MAX } from './constants.js';

/** The fixed 24-byte header of every message. */
export interface PacketHeader {
  program: number;
  version: number;
  procedure: number;
  type: number;
  serial: number;
  status: number;
}

/** One whole message off the wire. `payload` is a view into the frame, valid until the next read. */
export interface Packet {
  header: PacketHeader;
  payload: Buffer;
}

/** Builds one framed message: length word (counting itself), header, payload. */
export function encodePacket(header: PacketHeader, payload: Uint8Array): Buffer {
  const total = LENGTH_WORD_SIZE + HEADER_SIZE + payload.length;
  if (total > MESSAGE_MAX)
    throw new LibvirtProtocolError(`message of ${total} bytes exceeds the ${MESSAGE_MAX}-byte limit`);
  const frame = Buffer.allocUnsafe(total);
  frame.writeUInt32BE(total, 0);
  frame.writeUInt32BE(header.program, 4);
  frame.writeUInt32BE(header.version, 8);
  frame.writeInt32BE(header.procedure, 12);
  frame.writeInt32BE(header.type, 16);
  frame.writeUInt32BE(header.serial, 20);
  frame.writeInt32BE(header.status, 24);
  frame.set(payload, LENGTH_WORD_SIZE + HEADER_SIZE);
  return frame;
}

/** Decodes the header at the start of `body` (the frame without its length word). */
export function decodeHeader(body: Buffer): PacketHeader {
  if (body.length < HEADER_SIZE)
    throw new LibvirtProtocolError(`message of ${body.length} bytes is shorter than the ${HEADER_SIZE}-byte header`);
  return {
    program: body.readUInt32BE(0),
    version: body.readUInt32BE(4),
    procedure: body.readInt32BE(8),
    type: body.readInt32BE(12),
    serial: body.readUInt32BE(16),
    status: body.readInt32BE(20),
  };
}

/**
 * Cuts a byte stream into packets. The length word is validated (at least a header, at most
 * {@link MESSAGE_MAX}) before any buffer is allocated for the message; a bad one throws
 * {@link LibvirtProtocolError} and the decoder must not be used again.
 */
export class PacketDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;

  constructor(private readonly maxMessage = MESSAGE_MAX) {}

  /** Feeds bytes; returns every packet they complete, in order. */
  push(chunk: Buffer): Packet[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const packets: Packet[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < LENGTH_WORD_SIZE) break;
        const total = this.peekLength();
        if (total < LENGTH_WORD_SIZE + HEADER_SIZE) {
          throw new LibvirtProtocolError(`invalid message length ${total}: shorter than a header`);
        }
        if (total > this.maxMessage) {
          throw new LibvirtProtocolError(`invalid message length ${total}: over the ${this.maxMessage}-byte limit`);
        }
        this.expected = total;
      }
      if (this.buffered < this.expected) break;
      const frame = this.take(this.expected);
      this.expected = -1;
      const body = frame.subarray(LENGTH_WORD_SIZE);
      packets.push({ header: decodeHeader(body), payload: body.subarray(HEADER_SIZE) });
    }
    return packets;
  }

  /** Bytes held that do not yet form a whole packet. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first && first.length >= LENGTH_WORD_SIZE) return first.readUInt32BE(0);
    const head = Buffer.concat(this.chunks).subarray(0, LENGTH_WORD_SIZE);
    return head.readUInt32BE(0);
  }

  private take(size: number): Buffer {
    const first = this.chunks[0];
    // Fast path: the whole frame sits in the first chunk (the usual case for small replies).
    if (first && first.length >= size) {
      const frame = first.subarray(0, size);
      if (first.length === size) this.chunks.shift();
      else this.chunks[0] = first.subarray(size);
      this.buffered -= size;
      return frame;
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const frame = all.subarray(0, size);
    const rest = all.subarray(size);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return frame;
  }
}
