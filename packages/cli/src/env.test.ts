import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env.ts';

const repoRoot = '/srv/conflux';
const parse = (source: Record<string, string | undefined>) => parseEnv(source, { repoRoot, cwd: '/home/ada' });

function errorOf(source: Record<string, string | undefined>): string {
  try {
    parse(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error('expected an EnvError');
}

describe('parseEnv', () => {
  it('gives the embedded defaults when nothing is set', () => {
    expect(parse({})).toEqual({
      databaseUrl: undefined,
      databaseAppUrl: undefined,
      databaseSystemUrl: undefined,
      databaseRolePassword: undefined,
      smtpUrl: undefined,
      mailFrom: 'Conflux <no-reply@conflux.localhost>',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      authSecret: undefined,
      dataDir: path.join(repoRoot, '.data'),
      logLevel: 'info',
      embeddedPgPort: 54329,
      mode: 'development',
      masterKeys: undefined,
      gatewayPort: 3001,
      gatewayUrl: undefined,
      mqttUrl: undefined,
      mqttPort: 1884,
      mqttPublicUrl: undefined,
    });
  });

  it('reads configured values, treating empty ones as unset', () => {
    const env = parse({
      DATABASE_URL: 'postgresql://owner:pw@db.internal:5432/conflux',
      DATABASE_ROLE_PASSWORD: 'role-password',
      SMTP_URL: 'smtps://apikey:secret@smtp.example.com',
      MAIL_FROM: 'ops@example.com',
      PORT: '8080',
      PUBLIC_URL: 'https://conflux.example.com/',
      AUTH_SECRET: 'x'.repeat(32),
      CONFLUX_DATA_DIR: 'var/conflux',
      LOG_LEVEL: 'debug',
      EMBEDDED_PG_PORT: '',
      CONFLUX_MODE: 'production',
    });
    expect(env).toMatchObject({
      databaseUrl: 'postgresql://owner:pw@db.internal:5432/conflux',
      databaseRolePassword: 'role-password',
      smtpUrl: 'smtps://apikey:secret@smtp.example.com',
      mailFrom: 'ops@example.com',
      port: 8080,
      publicUrl: 'https://conflux.example.com',
      dataDir: '/home/ada/var/conflux',
      logLevel: 'debug',
      embeddedPgPort: 54329,
      mode: 'production',
    });
  });

  it('derives PUBLIC_URL from PORT', () => {
    expect(parse({ PORT: '4123' }).publicUrl).toBe('http://localhost:4123');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a port number (1-65535), got "abc"'],
    [{ PORT: '70000' }, 'PORT must be a port number (1-65535), got "70000"'],
    [{ EMBEDDED_PG_PORT: '5.5' }, 'EMBEDDED_PG_PORT must be a port number (1-65535), got "5.5"'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    [{ CONFLUX_MODE: 'prod' }, 'CONFLUX_MODE must be development or production, got "prod"'],
    [{ MAIL_FROM: 'nobody' }, 'MAIL_FROM must be an address like Conflux <no-reply@example.com>, got "nobody"'],
    [{ PUBLIC_URL: 'conflux.example.com' }, 'PUBLIC_URL must be a URL like https://conflux.example.com, got "conflux.example.com"'],
    [{ SMTP_URL: 'mail.example.com:25' }, 'SMTP_URL must be a URL like smtp://user:password@host:587'],
  ])('names the variable in a one-line error: %j', (source, expected) => {
    const message = errorOf(source);
    expect(message).toBe(`Invalid environment: ${expected}`);
    expect(message).not.toContain('\n');
  });

  it('never echoes values that may hold passwords', () => {
    const message = errorOf({ DATABASE_URL: 'mysql://root:hunter2@db/conflux', AUTH_SECRET: 'short-secret' });
    expect(message).toContain('DATABASE_URL must be a URL like postgres://');
    expect(message).toContain('AUTH_SECRET must be at least 32 characters');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('short-secret');
  });

  it('refuses role URLs without the owner URL', () => {
    expect(errorOf({ DATABASE_APP_URL: 'postgres://conflux_app:pw@db/conflux' })).toMatch(
      /DATABASE_APP_URL is set but DATABASE_URL is not/,
    );
  });
});
