import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { ConfigError } from '../../../src/config/index.js';

/** Gives each test a fresh temp directory (removed afterwards) and a way to write a YAML file into it. */
export function useConfigFiles(): { write(text: string, name?: string): string; path(name: string): string } {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vnetops-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    write(text, name = 'config.yaml') {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    path: (name) => join(dir, name),
  };
}

/** Runs `load` and returns the ConfigError it throws; fails the test if it throws anything else or nothing. */
export function configErrorFrom(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}
