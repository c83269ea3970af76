/**
 * Monitor alerts on the bot side, independent of Slack: routing events to channels, gathering
 * bursts, muting, de-duplication and the per-network thread registry.
 */
export { ALERT_KIND_GROUPS, type AlertRouting, compileAlertRouting } from './alert-routing.js';
export { AlertBatcher } from './alert-batcher.js';
export { type Mute, MuteStore, type UnmuteResult } from './mute-store.js';
export { type EventInChannel, PostedEvents, postedKey } from './posted-events.js';
export { type AlertThread, AlertThreads } from './alert-threads.js';
