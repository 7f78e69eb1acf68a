export {
  createVoyageProvider,
  VOYAGE_DEFAULT_BASE_URL,
  type VoyageProviderOptions,
} from './create-voyage-provider.js';
export { mapVoyageError } from './map-voyage-error.js';
