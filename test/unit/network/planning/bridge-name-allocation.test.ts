import { describe, expect, it } from 'vitest';
import { allocateBridgeName } from '../../../../src/network/planning/bridge-name-allocation.js';
import { InvalidInterfaceNameError } from '../../../../src/network/host/host-errors.js';

describe('allocateBridgeName', () => {
  it('gives the lowest free vnbrN, reusing gaps', () => {
    expect(allocateBridgeName([])).toBe('vnbr0');
    expect(allocateBridgeName(['vnbr0', 'vnbr1', 'virbr0'])).toBe('vnbr2');
    expect(allocateBridgeName(new Set(['vnbr0', 'vnbr2']))).toBe('vnbr1');
  });

  it('takes another prefix', () => {
    expect(allocateBridgeName(['lab0'], 'lab')).toBe('lab1');
  });

  it('never gives a name over 15 characters', () => {
    const prefix = 'abcdefghijklmn';
    const taken = Array.from({ length: 10 }, (_, index) => `${prefix}${index}`);
    expect(() => allocateBridgeName(taken, prefix)).toThrow(
      'no free bridge name abcdefghijklmnN of at most 15 characters is left; remove unused bridges or use a shorter prefix',
    );
  });

  it('refuses a prefix that cannot start an interface name', () => {
    expect(() => allocateBridgeName([], '-x')).toThrow(
      new InvalidInterfaceNameError(
        '-x',
        'bridge prefix "-x" cannot start a bridge name: bridge name "-x0" must start with an ASCII letter or digit',
      ),
    );
    expect(() => allocateBridgeName([], 'x'.repeat(15))).toThrow(
      /bridge name "x{15}0" is 16 characters; Linux allows at most 15/,
    );
    expect(() => allocateBridgeName([], 'br/')).toThrow(InvalidInterfaceNameError);
  });
});
