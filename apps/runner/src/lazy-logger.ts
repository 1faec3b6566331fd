import type { FastifyBaseLogger } from "fastify";

type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace";
type ChildArgs = Parameters<FastifyBaseLogger["child"]>;

/**
 * Fastify makes a pino child logger (bindings `{ reqId }`) for every request. Building one costs
 * several microseconds and a few hundred bytes of garbage, on every call of the published API,
 * although most requests never log a line at the configured level. This stands in for that
 * child and builds the real one the first time a line at an enabled level is written (or a
 * child of it is asked for): lines that are written carry exactly the same bindings as before.
 */
class LazyChildLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: ChildArgs[0],
    private readonly options: ChildArgs[1],
  ) {}

  private logger(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.real?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  /** pino's check; a logger without one is taken to write every level. */
  isLevelEnabled(level: string): boolean {
    const logger = (this.real ?? this.parent) as { isLevelEnabled?: (level: string) => boolean };
    return logger.isLevelEnabled ? logger.isLevelEnabled(level) : true;
  }

  private write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    (this.logger()[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.write("fatal", args);
  }
  error(...args: unknown[]): void {
    this.write("error", args);
  }
  warn(...args: unknown[]): void {
    this.write("warn", args);
  }
  info(...args: unknown[]): void {
    this.write("info", args);
  }
  debug(...args: unknown[]): void {
    this.write("debug", args);
  }
  trace(...args: unknown[]): void {
    this.write("trace", args);
  }
  silent(): void {}

  child(...args: ChildArgs): FastifyBaseLogger {
    return this.logger().child(...args);
  }
}

/** Fastify `childLoggerFactory` that defers building each request's child logger (see LazyChildLogger). */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: ChildArgs[0], options: ChildArgs[1]): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
