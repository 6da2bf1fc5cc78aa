// Lint rules that keep the architecture honest: core stays framework-free, Prisma stays inside
// packages/db, and the system client (which bypasses the tenant gate) is imported only where named here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Files allowed to use the system client (cross-tenant). Each is a reviewed, named use. */
export const systemClientUsers = [
  'packages/db/src/**',
  'packages/core/src/identity/**',
  'packages/cli/src/**',
  'apps/portal/src/server/auth.ts',
  'apps/portal/src/server/context.ts',
  'apps/portal/src/server/services.ts',
  'apps/portal/src/app/dev/**',
  'apps/worker/src/**',
  'test/**',
  '**/*.test.ts',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.next/**', 'packages/db/src/generated/**', '**/next-env.d.ts', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@prisma/*', '**/generated/prisma/**'], message: 'Prisma stays inside packages/db: import from @conflux/db.' },
            { group: ['@conflux/db/system'], message: 'The system client bypasses the tenant gate: only files listed in eslint.config.js (systemClientUsers) may use it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['next', 'next/*', 'react', 'react/*', 'react-dom', '@trpc/*', '@tanstack/*'], message: 'packages/core is framework-free: no Next, React or tRPC.' },
            { group: ['@prisma/*', '**/generated/prisma/**'], message: 'Prisma stays inside packages/db: import from @conflux/db.' },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/core/src/identity/**', 'packages/cli/src/**', 'apps/portal/src/server/auth.ts', 'apps/portal/src/server/context.ts', 'apps/portal/src/server/services.ts', 'apps/portal/src/app/dev/**', 'apps/worker/src/**', 'test/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@prisma/*', '**/generated/prisma/**'], message: 'Prisma stays inside packages/db: import from @conflux/db.' },
            { group: ['next', 'next/*', 'react', 'react/*', '@trpc/*'], message: 'packages/core is framework-free.' , },
          ].slice(0, 1),
        },
      ],
    },
  },
  {
    files: ['packages/db/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
