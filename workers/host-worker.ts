/**
 * The host worker process: one per libvirt host. Reads its config (defaults → VNETOPS_CONFIG file →
 * environment), then runs jobs from its host's queue until SIGTERM/SIGINT.
 *   VNETOPS_HOST_ID=kvm1 VNETOPS_LIBVIRT_URI=qemu:///system node --import tsx workers/host-worker.ts
 */
import { ConfigError, loadWorkerConfig } from '../src/config/index.js';
import { createLogger } from '../src/log/index.js';
import { JobKeyError } from '../src/queue/index.js';
import { startHostWorker } from './host-worker-runtime.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadWorkerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger({ level: config.log.level, name: `vnetops-worker:${config.worker.hostId}` });
  let worker;
  try {
    worker = await startHostWorker({ config, log });
  } catch (error) {
    if (error instanceof JobKeyError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const graceMs = config.worker.shutdownGraceMs;
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    worker.stop(graceMs).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
