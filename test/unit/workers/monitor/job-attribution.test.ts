import { describe, expect, it } from 'vitest';
import { JobAttribution } from '../../../../workers/monitor/job-attribution.js';

const ana = { id: '123', name: 'start', userId: 'UANA' };

describe('JobAttribution', () => {
  it('gives each expected event to the job once; a second one is outside vnetops', () => {
    const attribution = new JobAttribution();
    attribution.expect('start', 'lab1', ana);
    expect(attribution.claim('lab1', 'network-started')).toEqual(ana);
    expect(attribution.claim('lab1', 'network-started')).toBeUndefined();
  });

  it('matches network and kind', () => {
    const attribution = new JobAttribution();
    attribution.expect('stop', 'lab1', { ...ana, name: 'stop' });
    expect(attribution.claim('lab2', 'network-stopped')).toBeUndefined();
    expect(attribution.claim('lab1', 'network-started')).toBeUndefined();
    expect(attribution.claim('lab1', 'network-stopped')?.name).toBe('stop');
  });

  it('waits a grace period after the job for late events, then forgets', () => {
    let now = 0;
    const attribution = new JobAttribution(1000, () => now);
    const end = attribution.expect('delete', 'lab1', { ...ana, name: 'delete' });
    end?.('done');
    now = 900;
    expect(attribution.claim('lab1', 'network-stopped')).toBeDefined();
    now = 1100;
    expect(attribution.claim('lab1', 'network-undefined')).toBeUndefined();
  });

  it('expects nothing of jobs that cause no lifecycle events', () => {
    const attribution = new JobAttribution();
    expect(attribution.expect('autostart', 'lab1', ana)).toBeUndefined();
    expect(attribution.claim('lab1', 'network-started')).toBeUndefined();
  });
});

describe('JobAttribution and rollbacks', () => {
  it("counts a create's stop and undefine as its rollback only when it failed", () => {
    const failed = new JobAttribution();
    failed.expect('create', 'lab1', { ...ana, name: 'create' })?.('failed');
    expect(failed.claim('lab1', 'network-undefined')?.name).toBe('create');
    const done = new JobAttribution();
    done.expect('create', 'lab1', { ...ana, name: 'create' })?.('done');
    expect(done.claim('lab1', 'network-stopped')).toBeUndefined();
    expect(done.claim('lab1', 'network-started')?.name).toBe('create');
  });
});
