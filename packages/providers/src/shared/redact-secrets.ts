/**
 * Patterns of credentials that providers echo back in error messages (OpenAI's 401 quotes a
 * masked key, for example). Anything matching is replaced even when it is not one of ours.
 */
const KEY_PATTERNS: RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_*.-]{6,}/g,
  /\bsk-ant-[A-Za-z0-9_*.-]{6,}/g,
  /\bgsk_[A-Za-z0-9_*]{6,}/g,
  /\bxai-[A-Za-z0-9_*]{6,}/g,
  /\bpa-[A-Za-z0-9_*-]{10,}/g,
  /\bAIza[A-Za-z0-9_*-]{10,}/g,
  /\b(Bearer)\s+[A-Za-z0-9._~+/*-]{8,}=*/g,
];

/**
 * Removes `secrets` (exact values, e.g. the configured API keys) and anything that looks like a
 * provider key from `text`, so no key ever reaches a message, a log or an event.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; real keys are long.
    if (secret && secret.length >= 8) result = result.split(secret).join('[redacted]');
  }
  for (const pattern of KEY_PATTERNS) {
    result = result.replace(pattern, (_match, prefix: string) =>
      prefix === 'Bearer' ? 'Bearer [redacted]' : '[redacted]',
    );
  }
  return result;
}
