// Types for the tests that import the catalog generator (a plain Node script).
import type { ModelInfo } from '@catalyst/spec';

/** The generated catalog: where its data came from, and the models. */
export interface GeneratedModelCatalog {
  sources: Record<string, string | string[]>;
  models: ModelInfo[];
}

/** Where the generator reads and writes, relative to the repository root. */
export declare const CATALOG_PATHS: { overlay: string; catalog: string; typescript: string };
/** "November 30th, 2026" → "2026-11-30". */
export declare function parseSdkDate(text: string): string;
/** The Anthropic SDK's deprecation table: model id → end-of-life date (YYYY-MM-DD). */
export declare function readAnthropicDeprecations(): Promise<Record<string, string>>;
/** Model ids the installed Anthropic SDK's `Model` type lists. */
export declare function readAnthropicModelIds(): string[];
/** Builds the catalog from the overlay and the installed data packages. */
export declare function buildModelCatalog(): Promise<GeneratedModelCatalog>;
/** The catalog as the JSON file holds it. */
export declare function renderCatalogJson(catalog: GeneratedModelCatalog): string;
/** The TypeScript twin of the JSON file. */
export declare function renderDefaultModelsModule(catalog: GeneratedModelCatalog): string;
