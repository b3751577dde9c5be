// Console logging with levels; quiet by default so that a test run or `npm start` prints only what matters.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  level: LogLevel;
  error(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  info(msg: string, extra?: unknown): void;
  debug(msg: string, extra?: unknown): void;
  enabled(level: LogLevel): boolean;
}

export function isLogLevel(s: string): s is LogLevel {
  return s in rank;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const logger: Logger = {
    level,
    enabled: (l) => rank[l] <= rank[logger.level],
    error: (m, e) => emit('error', m, e),
    warn: (m, e) => emit('warn', m, e),
    info: (m, e) => emit('info', m, e),
    debug: (m, e) => emit('debug', m, e),
  };
  function emit(l: LogLevel, msg: string, extra: unknown) {
    if (!logger.enabled(l)) return;
    let line = `${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${msg}`;
    if (extra instanceof Error) line += `\n${extra.stack ?? extra.message}`;
    else if (extra !== undefined) line += ` ${JSON.stringify(extra)}`;
    write(line);
  }
  return logger;
}
