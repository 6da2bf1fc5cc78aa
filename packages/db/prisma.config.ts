import { defineConfig } from 'prisma/config';

// Only `prisma generate` uses this file: migrations are plain SQL applied by postgrator (see README).
export default defineConfig({
  schema: '../../prisma/schema.prisma',
});
