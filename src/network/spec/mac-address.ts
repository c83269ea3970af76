/** MAC addresses as the spec stores them: lowercase, colon-separated, unicast. */

/** Six pairs of hex digits, all separated by colons or all by dashes. */
const MAC_TEXT = /^[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}$/;

/** A MAC address read from text: normalised, or why it cannot be used. */
export type MacAddressReading =
  | { readonly mac: string; readonly problem?: undefined }
  | { readonly mac?: undefined; readonly problem: 'format' }
  /** Well-formed but unusable for a guest; `mac` is the normalised text. */
  | { readonly mac: string; readonly problem: 'multicast' | 'zero' };

/** Reads a MAC address and normalises it to `52:54:00:12:34:56`; refuses multicast and all-zero ones. */
export function readMacAddress(text: string): MacAddressReading {
  if (!MAC_TEXT.test(text)) return { problem: 'format' };
  const mac = text.toLowerCase().replaceAll('-', ':');
  // The lowest bit of the first byte marks group (multicast/broadcast) addresses, which no NIC owns.
  if ((Number.parseInt(mac.slice(0, 2), 16) & 1) === 1) return { mac, problem: 'multicast' };
  if (mac === '00:00:00:00:00:00') return { mac, problem: 'zero' };
  return { mac };
}
