import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { MonitorEvent } from '../../../../src/contract/index.js';
import { EventPublisher, type EventSink } from '../../../../workers/monitor/event-publisher.js';

/** A sink that records batches and fails while `down` is set. */
class RecordingSink implements EventSink {
  batches: MonitorEvent[][] = [];
  down = false;
  append(events: readonly MonitorEvent[]): Promise<void> {
    if (this.down) return Promise.reject(new Error('Connection is closed.'));
    this.batches.push([...events]);
    return Promise.resolve();
  }
}

const event = (network: string) => ({ kind: 'network-started' as const, at: 1, source: 'outside' as const, network });

describe('EventPublisher', () => {
  it('stamps unique ids and the host, and sends one tick’s events in one batch', async () => {
    const sink = new RecordingSink();
    const publisher = new EventPublisher('kvm1', sink, pino({ level: 'silent' }));
    const a = publisher.publish(event('a'));
    const b = publisher.publish(event('b'));
    await publisher.drain();
    expect(a.id).not.toBe(b.id);
    expect(a.host).toBe('kvm1');
    expect(sink.batches).toEqual([[a, b]]);
  });

  it('keeps events in order while the sink is down and sends them when it is back', async () => {
    const sink = new RecordingSink();
    const publisher = new EventPublisher('kvm1', sink, pino({ level: 'silent' }));
    sink.down = true;
    publisher.publish(event('a'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    publisher.publish(event('b'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    sink.down = false;
    await publisher.drain(3000);
    expect(sink.batches.flat().map((e) => e.network)).toEqual(['a', 'b']);
    publisher.close();
  });
});
