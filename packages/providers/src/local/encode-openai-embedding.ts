/**
 * An embedding as OpenAI's `encoding_format: "base64"` sends it: little-endian float32 bytes in
 * base64. The official SDKs ask for base64 by default (a quarter of the JSON size) and decode it.
 */
export function encodeEmbeddingBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (const [index, value] of vector.entries()) bytes.writeFloatLE(value, index * 4);
  return bytes.toString('base64');
}
