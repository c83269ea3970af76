import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../../src/text/index.js';

describe('didYouMean', () => {
  const commands = ['help', 'list', 'info', 'create', 'delete', 'start', 'stop', 'status', 'audit'];

  it.each([
    ['lsit', 'list'],
    ['crate', 'create'],
    ['craete', 'create'],
    ['delte', 'delete'],
    ['stats', 'status'],
    ['stat', 'start'],
    ['inf', 'info'],
    ['CREATE', 'create'],
  ])('takes %s for %s', (typo, word) => {
    expect(didYouMean(typo, commands)).toBe(word);
  });

  it('reads words by their letters, ignoring case, _ and -', () => {
    expect(didYouMean('host_id', ['subnetPool', 'hostId'])).toBe('hostId');
    expect(didYouMean('HOST-ID', ['hostId'])).toBe('hostId');
    expect(didYouMean('nodhcp', ['dhcp', 'no-dhcp'])).toBe('no-dhcp');
    expect(didYouMean('concurency', ['hostId', 'concurrency'])).toBe('concurrency');
  });

  it('allows 1 typo up to 2 letters, 2 up to 5 and 3 beyond', () => {
    expect(didYouMean('ab', ['ax'])).toBe('ax');
    expect(didYouMean('ab', ['xy'])).toBeUndefined();
    expect(didYouMean('abcde', ['abcxy'])).toBe('abcxy');
    expect(didYouMean('abcde', ['axyzq'])).toBeUndefined();
    expect(didYouMean('abcdef', ['abcxyz'])).toBe('abcxyz');
    expect(didYouMean('abcdef', ['axyzqf'])).toBeUndefined();
  });

  it('takes the start of exactly one word for that word, when no word is near enough', () => {
    expect(didYouMean('gate', ['gateway', 'subnet'])).toBe('gateway');
    expect(didYouMean('st', ['start', 'stop', 'status'])).toBeUndefined();
  });

  it('gives ties to the earlier candidate', () => {
    expect(didYouMean('stap', ['stop', 'star'])).toBe('stop');
    expect(didYouMean('stap', ['star', 'stop'])).toBe('star');
  });

  it('suggests nothing when nothing is close', () => {
    expect(didYouMean('frobnicate', commands)).toBeUndefined();
    expect(didYouMean('', commands)).toBeUndefined();
    expect(didYouMean('--', commands)).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
    expect(didYouMean('q'.repeat(4000), commands)).toBeUndefined();
  });
});
