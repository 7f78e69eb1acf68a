import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A check of `Authorization: Bearer KEY` against the configured keys. Keys are compared as
 * SHA-256 digests with `timingSafeEqual`, against every key, so neither the time taken nor an
 * early exit tells how much of a guess was right or how long a key is.
 */
export function createApiKeyCheck(
  keys: readonly string[],
): (authorization: string | null) => boolean {
  const digests = keys.map((key) => createHash('sha256').update(key).digest());
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    const given = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    let accepted = false;
    for (const digest of digests) accepted = timingSafeEqual(digest, given) || accepted;
    return accepted && match !== null;
  };
}
