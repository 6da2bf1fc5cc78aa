/**
 * Logger options shared by the apps: JSON lines in production (for log shippers), short readable lines
 * in development, where the launcher already prefixes each line with the app's name.
 */
export function loggerOptions(params: { level: string; pretty: boolean }) {
  return {
    level: params.level,
    base: undefined,
    ...(params.pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true, sync: true },
          },
        }
      : {}),
  };
}
