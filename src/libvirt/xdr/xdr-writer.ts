/** Encodes XDR (RFC 4506) values into a growable big-endian buffer. */
export class XdrWriter {
  private buffer: Buffer;
  private offset = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  get length(): number {
    return this.offset;
  }

  private reserve(size: number): void {
    if (this.offset + size <= this.buffer.length) return;
    let next = this.buffer.length * 2;
    while (next < this.offset + size) next *= 2;
    const grown = Buffer.allocUnsafe(next);
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }

  int(value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new RangeError(`XDR int out of range: ${value}`);
    }
    this.reserve(4);
    this.buffer.writeInt32BE(value, this.offset);
    this.offset += 4;
    return this;
  }

  uint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`XDR unsigned int out of range: ${value}`);
    }
    this.reserve(4);
    this.buffer.writeUInt32BE(value, this.offset);
    this.offset += 4;
    return this;
  }

  hyper(value: bigint): this {
    this.reserve(8);
    this.buffer.writeBigInt64BE(value, this.offset);
    this.offset += 8;
    return this;
  }

  uhyper(value: bigint): this {
    this.reserve(8);
    this.buffer.writeBigUInt64BE(value, this.offset);
    this.offset += 8;
    return this;
  }

  bool(value: boolean): this {
    return this.int(value ? 1 : 0);
  }

  /** Fixed-length opaque: the bytes, then zero padding to 4; no length word. */
  fixedOpaque(value: Uint8Array, size: number): this {
    if (value.length !== size) throw new RangeError(`XDR fixed opaque must be ${size} bytes, got ${value.length}`);
    this.reserve(size + 3);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    this.pad(value.length);
    return this;
  }

  /** Variable-length opaque: length word, bytes, zero padding. */
  opaque(value: Uint8Array, max: number): this {
    if (value.length > max) throw new RangeError(`XDR opaque longer than its limit ${max}: ${value.length}`);
    this.uint(value.length);
    this.reserve(value.length + 3);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    this.pad(value.length);
    return this;
  }

  string(value: string, max: number): this {
    return this.opaque(Buffer.from(value, 'utf8'), max);
  }

  private pad(written: number): void {
    const padding = (4 - (written % 4)) % 4;
    for (let i = 0; i < padding; i++) this.buffer[this.offset++] = 0;
  }
}
