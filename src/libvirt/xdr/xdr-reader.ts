import { LibvirtProtocolError } from '../errors.js';

/**
 * Decodes XDR values from a buffer. Every read is bounds-checked and every variable length is
 * checked against both its declared limit and the bytes actually present, before anything is
 * allocated — so a hostile or corrupt message fails with a {@link LibvirtProtocolError}, never a crash.
 */
export class XdrReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(size: number, what: string): void {
    if (size > this.buffer.length - this.offset) {
      throw new LibvirtProtocolError(`truncated XDR data: ${what} needs ${size} bytes, ${this.remaining} left`);
    }
  }

  int(): number {
    this.need(4, 'int');
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint(): number {
    this.need(4, 'unsigned int');
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  hyper(): bigint {
    this.need(8, 'hyper');
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  uhyper(): bigint {
    this.need(8, 'unsigned hyper');
    const value = this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  bool(): boolean {
    const value = this.int();
    if (value !== 0 && value !== 1) throw new LibvirtProtocolError(`XDR bool must be 0 or 1, got ${value}`);
    return value === 1;
  }

  fixedOpaque(size: number): Buffer {
    const padded = size + ((4 - (size % 4)) % 4);
    this.need(padded, `opaque[${size}]`);
    const value = Buffer.from(this.buffer.subarray(this.offset, this.offset + size));
    this.offset += padded;
    return value;
  }

  opaque(max: number): Buffer {
    const length = this.uint();
    if (length > max) throw new LibvirtProtocolError(`XDR opaque length ${length} exceeds its limit ${max}`);
    return this.fixedOpaque(length);
  }

  string(max: number): string {
    const length = this.uint();
    if (length > max) throw new LibvirtProtocolError(`XDR string length ${length} exceeds its limit ${max}`);
    const padded = length + ((4 - (length % 4)) % 4);
    this.need(padded, `string<${length}>`);
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += padded;
    return value;
  }

  /**
   * Reads an array length and checks it against the limit and against the bytes left, given the
   * smallest encoded size of one element — so a forged count cannot make the caller loop or allocate.
   */
  arrayLength(max: number, minElementSize: number): number {
    const length = this.uint();
    if (length > max) throw new LibvirtProtocolError(`XDR array length ${length} exceeds its limit ${max}`);
    if (length * minElementSize > this.remaining) {
      throw new LibvirtProtocolError(
        `truncated XDR data: array of ${length} needs at least ${length * minElementSize} bytes, ${this.remaining} left`,
      );
    }
    return length;
  }

  /** Fails if bytes are left over: a reply longer than its type means we decoded the wrong type. */
  end(what: string): void {
    if (this.remaining !== 0)
      throw new LibvirtProtocolError(`${this.remaining} unexpected trailing bytes after ${what}`);
  }
}
