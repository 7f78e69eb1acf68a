/**
 * The message the official SDKs give an error answer (`APIError.makeMessage` in both the openai
 * and the Anthropic SDK): the error's own `message`, else the error as JSON, else the body text,
 * prefixed with the status. The direct clients' errors use it so both paths read the same.
 */
export function sdkErrorMessage(
  status: number | undefined,
  error: unknown,
  bodyText: string | undefined,
): string {
  const own =
    typeof error === 'object' && error !== null
      ? (error as { message?: unknown }).message
      : undefined;
  const message = own
    ? typeof own === 'string'
      ? own
      : JSON.stringify(own)
    : error
      ? JSON.stringify(error)
      : bodyText;
  if (status && message) return `${status} ${message}`;
  if (status) return `${status} status code (no body)`;
  return message || '(no status code or body)';
}
