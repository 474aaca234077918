/**
 * The app logs a JSON line per request to stdout; the bench's own output is
 * its table. Log lines are counted by level instead of printed.
 */
export const logged: Record<string, number> = {};

export function quietLogs(): void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: unknown, ...rest: never[]) => {
    if (typeof chunk === "string" && chunk.startsWith('{"level":')) {
      const level = /^\{"level":"(\w+)"/.exec(chunk)?.[1] ?? "info";
      logged[level] = (logged[level] ?? 0) + 1;
      return true;
    }
    return write(chunk as string, ...rest);
  }) as typeof process.stdout.write;
}
