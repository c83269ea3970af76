/** Types of the per-process tables that bind settings to environment variables. */
/**
 * Dotted paths to the leaf settings of a config input type, e.g. `'redis.url'` — used to check env var
 * tables against the schema at compile time.
 */
export type ConfigPath<T> = T extends object
  ? {
      [Key in keyof T & string]-?: NonNullable<T[Key]> extends Record<string, unknown>
        ? `${Key}.${ConfigPath<NonNullable<T[Key]>>}`
        : Key;
    }[keyof T & string]
  : never;

/** Maps config paths to the environment variable that sets them: the single place env names are defined. */
export type EnvVarTable<T = unknown> = unknown extends T
  ? { readonly [path: string]: string }
  : { readonly [Path in ConfigPath<T>]?: string };
