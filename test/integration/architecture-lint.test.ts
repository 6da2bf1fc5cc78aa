// The lint rules that keep the architecture are themselves tested: a rule that silently stopped
// matching would let core grow a Next import or an app reach Prisma or the system client unnoticed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('architecture lint rules', () => {
  it('keep packages/core free of Next, React and tRPC', async () => {
    for (const spec of ['next/headers', 'react', '@trpc/server', '@tanstack/react-query']) {
      expect(await restricted('packages/core/src/tenants/x.ts', `import '${spec}';\n`)).toEqual([expect.stringMatching(/framework-free/)]);
    }
  });

  it('keep Prisma inside packages/db', async () => {
    expect(await restricted('packages/core/src/tenants/x.ts', `import '@prisma/client';\n`)).toEqual([expect.stringMatching(/Prisma stays/)]);
    expect(await restricted('apps/portal/src/server/x.ts', `import '@prisma/adapter-pg';\n`)).toEqual([expect.stringMatching(/Prisma stays/)]);
    expect(await restricted('packages/db/src/x.ts', `import '@prisma/client';\n`)).toEqual([]);
  });

  it('allow the system client only in the named files', async () => {
    expect(await restricted('packages/core/src/tenants/x.ts', `import '@conflux/db/system';\n`)).toEqual([expect.stringMatching(/system client/)]);
    expect(await restricted('apps/portal/src/server/routers/x.ts', `import '@conflux/db/system';\n`)).toEqual([expect.stringMatching(/system client/)]);
    expect(await restricted('packages/core/src/identity/x.ts', `import '@conflux/db/system';\n`)).toEqual([]);
  });
});
