// Lint rules that keep the architecture honest: core stays framework-free, Prisma stays inside
// packages/db, and the system client (which bypasses the tenant gate) is imported only where named here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Files allowed to use the system client (cross-tenant). Each is a reviewed, named use. */
export const systemClientUsers = [
  'packages/db/src/**',
  'packages/core/src/identity/**',
  'packages/core/src/dev/**',
  'packages/core/src/ingest/**',
  'packages/core/src/plans/change-plan.ts',
  'apps/gateway/src/**',
  'apps/mqtt/src/**',
  'packages/cli/src/**',
  'apps/portal/src/server/auth.ts',
  'apps/portal/src/server/context.ts',
  'apps/portal/src/server/services.ts',
  'apps/portal/src/app/dev/**',
  'apps/worker/src/**',
  'test/**',
  '**/*.test.ts',
];

const prismaOutsideDb = {
  group: ['@prisma/*', '**/generated/prisma/**'],
  message: 'Prisma stays inside packages/db: import from @conflux/db.',
};
const systemClient = {
  group: ['@conflux/db/system'],
  message: 'The system client bypasses the tenant gate: only files listed in eslint.config.js (systemClientUsers) may use it.',
};
const frameworks = {
  group: ['next', 'next/*', 'react', 'react/*', 'react-dom', 'react-dom/*', '@trpc/*', '@tanstack/*'],
  message: 'packages/core is framework-free: no Next, React or tRPC.',
};
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/.next/**', 'packages/db/src/generated/**', '**/next-env.d.ts', '.data/**', 'test-results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      ...restrict(prismaOutsideDb, systemClient),
    },
  },
  { files: ['packages/core/**'], rules: restrict(prismaOutsideDb, systemClient, frameworks) },
  { files: systemClientUsers.filter((f) => f.startsWith('packages/core/')), rules: restrict(prismaOutsideDb, frameworks) },
  { files: systemClientUsers.filter((f) => !f.startsWith('packages/core/')), rules: restrict(prismaOutsideDb) },
  { files: ['packages/db/**'], rules: { 'no-restricted-imports': 'off' } },
);
