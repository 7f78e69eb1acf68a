import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it('removes configured secrets and key-shaped strings', () => {
    const text =
      'Incorrect API key provided: sk-proj-abc123def456. Also my-own-secret-value and Bearer abcdefghijklmnop';
    const redacted = redactSecrets(text, ['my-own-secret-value']);
    expect(redacted).not.toContain('sk-proj-abc123def456');
    expect(redacted).not.toContain('my-own-secret-value');
    expect(redacted).not.toContain('abcdefghijklmnop');
    expect(redacted).toContain('Incorrect API key provided: [redacted]');
  });

  it('covers Anthropic, Groq, xAI and Google key shapes', () => {
    for (const key of [
      'sk-ant-api03-XYZ123456',
      'gsk_ABCDEF123456',
      'xai-ABCDEF123456',
      'AIzaSyABCDEF1234567',
    ]) {
      expect(redactSecrets(`key ${key} rejected`)).toBe('key [redacted] rejected');
    }
  });
});
