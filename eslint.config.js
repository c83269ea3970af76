// ESLint flat config: typescript-eslint's type-aware recommended rules over all TypeScript sources.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // CLIs and benchmarks talk to a terminal on purpose.
    files: ['bench/**', 'scripts/**', 'tools/sandbox/cli.ts', 'tools/demo/cli.ts', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The local console's page runs in a browser, as plain ES modules.
    files: ['tools/console/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'document',
          'window',
          'location',
          'localStorage',
          'fetch',
          'EventSource',
          'Option',
          'URLSearchParams',
          'JSON',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
);
