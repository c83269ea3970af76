/** How every bench script runs: main, then cleanup whatever happened; Ctrl-C and SIGTERM clean up too. */
export function runBench(main: () => Promise<void>, cleanup: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void cleanup().then(() => process.exit(130));
    });
  }
  main().then(
    async () => {
      await cleanup();
      process.exit(0);
    },
    async (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      await cleanup();
      process.exit(1);
    },
  );
}
