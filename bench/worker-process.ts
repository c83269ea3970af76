/**
 * The integration tests' real worker process (started inside a sandbox host's network namespace),
 * re-exported for the bench scripts so both start workers the same way.
 */
export { WorkerProcess, type WorkerProcessOptions } from '../test/integration/helpers/worker-process.js';
