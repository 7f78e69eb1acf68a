/** Input limits of a Catalyst server; the same names and defaults in both runtimes. */
export interface ServerLimits {
  /** Largest request body in bytes (413 above); `CATALYST_MAX_BODY_BYTES`, `--max-body-bytes`. */
  maxBodyBytes: number;
  /** Deepest nesting of arrays and objects in a JSON body (400 above). */
  maxJsonDepth: number;
  /** Longest request target (path and query) in bytes (414 above). */
  maxUrlBytes: number;
}

/**
 * 1 MiB holds a long conversation many times over while keeping a paid prompt bounded; 64 levels
 * of nesting are far beyond any workflow input and far below a parser's stack; 8 KiB is the URL
 * limit of nginx and most proxies, so no URL the server accepts is refused in front of it.
 */
export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = {
  maxBodyBytes: 1_048_576,
  maxJsonDepth: 64,
  maxUrlBytes: 8192,
};
