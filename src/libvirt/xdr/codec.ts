import { XdrReader } from './xdr-reader.js';
import { XdrWriter } from './xdr-writer.js';

/**
 * A two-way XDR codec for one type. Procedure arguments and replies are described by composing
 * these, so the procedure table is data and there is one encode/decode path for every call.
 */
export interface Codec<T> {
  encode(writer: XdrWriter, value: T): void;
  decode(reader: XdrReader): T;
  /** Fewest bytes one encoded value takes; lets array decoding reject forged counts early. */
  readonly minSize: number;
}

/** The decoded type of a codec. */
export type CodecValue<C> = C extends Codec<infer T> ? T : never;

export const xdrInt: Codec<number> = { encode: (w, v) => w.int(v), decode: (r) => r.int(), minSize: 4 };
export const xdrUint: Codec<number> = { encode: (w, v) => w.uint(v), decode: (r) => r.uint(), minSize: 4 };
export const xdrHyper: Codec<bigint> = { encode: (w, v) => w.hyper(v), decode: (r) => r.hyper(), minSize: 8 };
export const xdrUhyper: Codec<bigint> = { encode: (w, v) => w.uhyper(v), decode: (r) => r.uhyper(), minSize: 8 };
/** libvirt passes booleans as plain `int`; any non-zero value reads as true. */
export const xdrIntBool: Codec<boolean> = {
  encode: (w, v) => w.int(v ? 1 : 0),
  decode: (r) => r.int() !== 0,
  minSize: 4,
};
/** No payload at all (void arguments or replies). */
export const xdrVoid: Codec<undefined> = { encode: () => undefined, decode: () => undefined, minSize: 0 };

/** A string of at most `max` bytes. */
export function xdrString(max: number): Codec<string> {
  return { encode: (w, v) => w.string(v, max), decode: (r) => r.string(max), minSize: 4 };
}

/** Fixed-size opaque data (no length word). */
export function xdrFixedOpaque(size: number): Codec<Buffer> {
  return {
    encode: (w, v) => w.fixedOpaque(v, size),
    decode: (r) => r.fixedOpaque(size),
    minSize: size + ((4 - (size % 4)) % 4),
  };
}

/** XDR optional data (`T *`): a 0/1 flag, then the value when present. */
export function xdrOptional<T>(inner: Codec<T>): Codec<T | null> {
  return {
    encode: (w, v) => {
      w.bool(v !== null);
      if (v !== null) inner.encode(w, v);
    },
    decode: (r) => (r.bool() ? inner.decode(r) : null),
    minSize: 4,
  };
}

/** Variable-length array of at most `max` elements. */
export function xdrArray<T>(inner: Codec<T>, max: number): Codec<T[]> {
  return {
    encode: (w, v) => {
      if (v.length > max) throw new RangeError(`XDR array longer than its limit ${max}: ${v.length}`);
      w.uint(v.length);
      for (const item of v) inner.encode(w, item);
    },
    decode: (r) => {
      const length = r.arrayLength(max, Math.max(inner.minSize, 1));
      const items = new Array<T>(length);
      for (let i = 0; i < length; i++) items[i] = inner.decode(r);
      return items;
    },
    minSize: 4,
  };
}

type FieldCodecs<T> = { [K in keyof T]: Codec<T[K]> };

/** A struct: fields encoded in the declared order (the object's key order is the wire order). */
export function xdrStruct<T extends object>(fields: FieldCodecs<T>): Codec<T> {
  const entries = Object.entries(fields) as [keyof T & string, Codec<unknown>][];
  return {
    encode: (w, v) => {
      for (const [key, codec] of entries) codec.encode(w, v[key]);
    },
    decode: (r) => {
      const value: Partial<T> = {};
      for (const [key, codec] of entries) (value as Record<string, unknown>)[key] = codec.decode(r);
      return value as T;
    },
    minSize: entries.reduce((sum, [, codec]) => sum + codec.minSize, 0),
  };
}

/** Encodes one value to a standalone buffer. */
export function encodeValue<T>(codec: Codec<T>, value: T): Buffer {
  const writer = new XdrWriter();
  codec.encode(writer, value);
  return Buffer.from(writer.bytes());
}

/** Decodes a whole buffer as one value; trailing bytes are a protocol error. */
export function decodeValue<T>(codec: Codec<T>, bytes: Buffer, what: string): T {
  const reader = new XdrReader(bytes);
  const value = codec.decode(reader);
  reader.end(what);
  return value;
}
