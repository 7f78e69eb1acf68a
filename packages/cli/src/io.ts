/** Where a command reads its environment and writes its output; injected so tests need no process. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Piped input (`catalyst chat -`); absent in tests that give none. */
  stdin?: AsyncIterable<string | Uint8Array> & { isTTY?: boolean };
  environment: Record<string, string | undefined>;
  cwd: string;
  /** Aborts when the user presses Ctrl-C. */
  signal: AbortSignal;
}
