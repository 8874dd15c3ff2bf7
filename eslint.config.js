// ESLint flat config: typescript-eslint's recommended rules plus the type-aware rules that catch
// real bugs in async, event-driven code (floating promises, misused promises, awaiting non-thenables).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['scripts/package-tier/consumer/**', 'dist/**', 'packages/*/dist/**', '**/.dist-build/**', 'demo/dist/**', 'node_modules/**', 'test-results/**', '.artifacts/**', 'tests/e2e/harness/dist/**', '**/.out/**', '.tmp-media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Playwright fixtures take their dependencies as a destructured first argument, often `{}`.
    files: ['tests/e2e/**/*.ts', 'tests/demo/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', globalThis: 'readonly', fetch: 'readonly', Buffer: 'readonly' },
    },
  },
);
