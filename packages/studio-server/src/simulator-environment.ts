/**
 * The environment that points every provider the simulator speaks at `simulatorUrl`, with
 * placeholder keys (the simulator accepts any). The local model is left alone.
 */
export function simulatorEnvironment(
  environment: Record<string, string | undefined>,
  simulatorUrl: string,
): Record<string, string | undefined> {
  return {
    ...environment,
    ANTHROPIC_API_KEY: 'simulator',
    ANTHROPIC_BASE_URL: simulatorUrl,
    OPENAI_API_KEY: 'simulator',
    OPENAI_BASE_URL: `${simulatorUrl}/v1`,
    AZURE_OPENAI_API_KEY: 'simulator',
    AZURE_OPENAI_ENDPOINT: simulatorUrl,
    GROQ_API_KEY: 'simulator',
    GROQ_BASE_URL: simulatorUrl,
    GEMINI_API_KEY: 'simulator',
    GEMINI_BASE_URL: simulatorUrl,
    XAI_API_KEY: 'simulator',
    XAI_BASE_URL: `${simulatorUrl}/xai/v1`,
    VOYAGE_API_KEY: 'simulator',
    VOYAGE_BASE_URL: `${simulatorUrl}/voyage/v1`,
  };
}
