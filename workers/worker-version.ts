import { existsSync, readFileSync } from 'node:fs';

/** The version of vnetops this worker runs, read from package.json (reported in the host registry). */
export const WORKER_VERSION: string = readVersion();

function readVersion(): string {
  // From source (workers/) the file is one level up; from the build (dist/workers/) two.
  for (const relative of ['../package.json', '../../package.json']) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(url)) return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}
