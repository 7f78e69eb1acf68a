import { SIMULATED_CREATED } from './chat-completion-parts.js';
import type { OpenAiVendor } from './openai-vendor.js';

/** One model object as `GET /models/{id}` returns it. */
export function modelObject(vendor: OpenAiVendor, id: string): Record<string, unknown> {
  return {
    id,
    object: 'model',
    created: SIMULATED_CREATED,
    owned_by: vendor.owner,
    ...(vendor.provider === 'groq'
      ? { active: true, context_window: 131072, public_apps: null }
      : {}),
  };
}

/** The `GET /models` list for a vendor. */
export function modelsListBody(vendor: OpenAiVendor): Record<string, unknown> {
  return { object: 'list', data: vendor.models.map((id) => modelObject(vendor, id)) };
}
