import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostId, interfaceName, macAddress, networkName } from '../../../src/commands/argument-values.js';
import { readMacAddress } from '../../../src/network/spec/mac-address.js';
import { checkNetworkName } from '../../../src/network/spec/name-rules.js';
import { validateNetworkSpec } from '../../../src/network/index.js';

/** Strings made mostly of the characters the rules are about, so both outcomes come up often. */
const nameLike = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9_.\- /:é\u200b]{0,55}$/),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', '.', '..', 'a'.repeat(50), 'a'.repeat(51), '-a', '_a', '.a', 'a.', 'A', 'lab1'),
);

describe('argument values agree with the network module', () => {
  it('accepts exactly the network names the network spec accepts', () => {
    fc.assert(
      fc.property(nameLike, (name) => {
        const accepted = checkNetworkName(name, () => undefined) !== undefined;
        expect(networkName.read(name, 'the network name').ok).toBe(accepted);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly the network names a whole spec is accepted with', () => {
    fc.assert(
      fc.property(nameLike, (name) => {
        let specAccepts = true;
        try {
          validateNetworkSpec({ mode: 'bridged', name, bridge: 'br0', autostart: false });
        } catch {
          specAccepts = false;
        }
        expect(networkName.read(name, 'the network name').ok).toBe(specAccepts);
      }),
      { numRuns: 300 },
    );
  });

  it('reads MAC addresses as the network spec does, colons only', () => {
    const macLike = fc.oneof(
      fc
        .array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 })
        .chain((bytes) =>
          fc
            .constantFrom(':', '-')
            .map((separator) => bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(separator)),
        ),
      fc.stringMatching(/^[0-9a-fA-FxX:-]{0,20}$/),
    );
    fc.assert(
      fc.property(macLike, fc.boolean(), (text, upper) => {
        const typed = upper ? text.toUpperCase() : text;
        const spec = readMacAddress(typed);
        const ours = macAddress.read(typed, 'the MAC address');
        expect(ours.ok).toBe(spec.problem === undefined);
        if (ours.ok) expect(ours.value).toBe(spec.mac);
      }),
      { numRuns: 1000 },
    );
  });

  it('uses the network module’s interface-name rules and messages', () => {
    expect(interfaceName('bridge name', 'br0').read('lo', '--bridge')).toStrictEqual({
      ok: false,
      message: expect.stringMatching(/^--bridge: bridge name "lo" is the loopback device/) as string,
    });
    expect(interfaceName('forward device', 'eth0').read('eth0.100', '--dev')).toStrictEqual({
      ok: true,
      value: 'eth0.100',
    });
  });

  it('takes host ids as workers register them', () => {
    expect(hostId.read('kvm-1', '--host')).toStrictEqual({ ok: true, value: 'kvm-1' });
    expect(hostId.read('-kvm', '--host').ok).toBe(false);
    expect(hostId.read('k'.repeat(32), '--host').ok).toBe(true);
  });
});
