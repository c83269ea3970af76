import { botConfigSchema, botEnvVars, type BotConfig } from './bot-config.js';
import { loadConfig } from './load-config.js';
import { workerConfigSchema, workerEnvVars, type WorkerConfig } from './worker-config.js';

/** Where a process finds its config file and environment; both optional. */
export interface ProcessConfigOptions {
  /** YAML config file. Default: the path in `VNETOPS_CONFIG`, else none. */
  readonly file?: string;
  /** Environment to read. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

const workerSections = Object.keys(workerConfigSchema.shape);
const botSections = Object.keys(botConfigSchema.shape);

/**
 * Loads the host worker's configuration.
 * @throws {ConfigError} listing every problem found.
 */
export function loadWorkerConfig(options: ProcessConfigOptions = {}): WorkerConfig {
  return loadConfig(workerConfigSchema, {
    ...options,
    envVars: workerEnvVars,
    foreignSections: botSections.filter((section) => !workerSections.includes(section)),
  });
}

/**
 * Loads the Slack bot's configuration.
 * @throws {ConfigError} listing every problem found.
 */
export function loadBotConfig(options: ProcessConfigOptions = {}): BotConfig {
  return loadConfig(botConfigSchema, {
    ...options,
    envVars: botEnvVars,
    foreignSections: workerSections.filter((section) => !botSections.includes(section)),
  });
}
