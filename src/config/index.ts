/** Layered configuration: built-in defaults → YAML file → environment, validated once and frozen. */
export { botConfigSchema, botEnvVars, SLACK_MODES, type BotConfig } from './bot-config.js';
export {
  CONFIG_REFERENCE_END,
  CONFIG_REFERENCE_START,
  configReferenceIn,
  configReferenceSections,
  renderConfigReference,
  withConfigReference,
  type ConfigReader,
  type ConfigReferenceSection,
} from './config-reference.js';
export { ConfigError, formatConfigProblem, type ConfigProblem, type ConfigSource } from './config-error.js';
export { CONFIG_FILE_ENV_VAR } from './config-file.js';
export type { DeepReadonly } from './deep-freeze.js';
export type { ConfigPath, EnvVarTable } from './env-var-table.js';
export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { loadBotConfig, loadWorkerConfig, type ProcessConfigOptions } from './load-process-config.js';
export { listConfigFields, listConfigSections, type ConfigField, type ConfigSection } from './schema-fields.js';
export { NO_ROLE, ROLES } from './policy-config.js';
export {
  DEFAULT_REDIS_URL,
  LOG_LEVELS,
  sharedConfigSchema,
  sharedEnvVars,
  type SharedConfig,
} from './shared-config.js';
export {
  APPROVABLE_JOBS,
  LIBVIRT_DRIVERS,
  LIBVIRT_TRANSPORTS,
  workerConfigSchema,
  workerEnvVars,
  type WorkerConfig,
} from './worker-config.js';
