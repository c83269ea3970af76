/**
 * Picking a bridge name for a new network when the request gives none.
 */
import { InvalidInterfaceNameError } from '../host/host-errors.js';
import { assertInterfaceName } from '../host/interface-name.js';
import { INTERFACE_NAME_MAX_LENGTH } from '../spec/name-rules.js';

/** The prefix of bridges vnetops names itself: `vnbr0`, `vnbr1`, … (libvirt's own are `virbrN`). */
export const DEFAULT_BRIDGE_PREFIX = 'vnbr';

/**
 * The lowest free `<prefix>N` (`vnbr0`, `vnbr1`, …) not in `existing`. Pass every name that is taken:
 * the host's interfaces and the bridges named in all defined networks, started or not. Deterministic;
 * a name freed by a deleted network is reused. Throws {@link InvalidInterfaceNameError} for a prefix that
 * cannot start an interface name, and an error when no name of at most 15 characters is left.
 */
export function allocateBridgeName(existing: Iterable<string>, prefix = DEFAULT_BRIDGE_PREFIX): string {
  try {
    assertInterfaceName(`${prefix}0`, 'bridge name');
  } catch (error) {
    if (!(error instanceof InvalidInterfaceNameError)) throw error;
    throw new InvalidInterfaceNameError(
      prefix,
      `bridge prefix ${JSON.stringify(prefix)} cannot start a bridge name: ${error.message}`,
    );
  }
  const taken = new Set(existing);
  for (let index = 0; ; index++) {
    const name = `${prefix}${index}`;
    if (name.length > INTERFACE_NAME_MAX_LENGTH) {
      throw new Error(
        `no free bridge name ${prefix}N of at most ${INTERFACE_NAME_MAX_LENGTH} characters is left; remove unused bridges or use a shorter prefix`,
      );
    }
    if (!taken.has(name)) return name;
  }
}
