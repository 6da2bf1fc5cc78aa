import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectorManifest } from '@conflux/connector-sdk';
import { connectors, getConnector } from './index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('connector registry', () => {
  it('is what scripts/generate-registry.mjs generates (run `pnpm registry` after adding a connector)', () => {
    const generated = execFileSync(process.execPath, [path.join(root, 'scripts/generate-registry.mjs'), '--stdout'], { encoding: 'utf8' });
    expect(fs.readFileSync(path.join(root, 'packages/registry/src/index.ts'), 'utf8')).toBe(generated);
  });

  it('depends on every connector package, so that its imports resolve', () => {
    const folders = fs.readdirSync(path.join(root, 'connectors'), { withFileTypes: true }).filter((entry) => entry.isDirectory());
    const { dependencies } = JSON.parse(fs.readFileSync(path.join(root, 'packages/registry/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const folder of folders) expect(dependencies[`@conflux/connector-${folder.name}`]).toBe('workspace:*');
    expect(connectors).toHaveLength(folders.length);
  });

  it('lists connectors with unique ids, each with a manifest the catalogue can render', () => {
    const ids = connectors.map((connector) => connector.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const connector of connectors) {
      const manifest = connectorManifest(connector);
      expect(manifest.id).toBe(connector.id);
      expect(manifest.icon).toMatch(/^<svg /);
      expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
      for (const item of [...manifest.actions, ...manifest.triggers]) {
        expect(item.sample, `${connector.id}.${item.key} sample`).toBeDefined();
        expect(item.props, `${connector.id}.${item.key} props`).toMatchObject({ type: 'object' });
      }
    }
  });

  it('finds connectors by id', () => {
    expect(getConnector('http')?.name).toBe('HTTP');
    expect(getConnector('stripe')?.appWebhook).toBeDefined();
    expect(getConnector('nope')).toBeUndefined();
  });
});
