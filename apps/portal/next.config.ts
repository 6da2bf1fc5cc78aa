import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages ship TypeScript source.
  transpilePackages: ['@conflux/core', '@conflux/db', '@conflux/egress', '@conflux/queue', '@conflux/engine', '@conflux/mapping', '@conflux/connector-sdk', '@conflux/registry', '@conflux/connector-http', '@conflux/connector-webhook', '@conflux/connector-schedule', '@conflux/connector-email', '@conflux/connector-slack', '@conflux/connector-stripe', '@conflux/connector-mqtt', '@conflux/connector-postgres'],
  serverExternalPackages: ['pg', 'pg-cursor', '@prisma/adapter-pg', '@prisma/client'],
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
    ];
  },
};

export default config;
