import type { JsonValue } from '@catalyst/spec';
import type { UpstreamQuery } from '@catalyst/workflow';

/** Options for {@link createUpstreamOutputs}. */
export interface UpstreamOutputsOptions {
  /** The node whose scope this is. */
  node: string;
  upstream: UpstreamQuery;
  /** A finished node's output; undefined for a node that did not finish (skipped, not run). */
  outputOf: (id: string) => JsonValue | undefined;
}

/**
 * A node's `nodes` scope: the outputs of the finished nodes upstream of it, read on demand.
 *
 * Copying them for every node costs the number of nodes upstream, so n²/2 on a chain of n. Most
 * expressions read a few fixed keys (`nodes.answer.text`), which this answers with one upstream
 * question each. Anything that lists the entries (`{{ nodes }}`, `size(nodes)`, a computed key)
 * gets the same plain object the runtime used to build, filled once on first use, in the same key
 * order (the upstream listing order, with JavaScript's integer-like keys first).
 *
 * The outputs must not change once the node starts: every node upstream has settled by then.
 */
export function createUpstreamOutputs(options: UpstreamOutputsOptions): JsonValue {
  const { node, upstream, outputOf } = options;
  const target: Record<string, JsonValue> = {};
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    for (const ancestor of upstream.upstreamOf(node)) {
      const output = outputOf(ancestor);
      if (output !== undefined) target[ancestor] = output;
    }
  };
  // Only an own key of the filled object may be answered without filling it.
  const lookUp = (key: string | symbol): JsonValue | undefined => {
    if (typeof key !== 'string' || key === '__proto__') return undefined;
    const output = outputOf(key);
    return output !== undefined && upstream.isUpstream(key, node) ? output : undefined;
  };
  return new Proxy(target, {
    get(object, key, receiver) {
      if (filled) return Reflect.get(object, key, receiver);
      return lookUp(key) ?? Reflect.get(object, key, receiver);
    },
    has(object, key) {
      if (filled) return Reflect.has(object, key);
      return lookUp(key) !== undefined || Reflect.has(object, key);
    },
    getOwnPropertyDescriptor(object, key) {
      if (filled || typeof key !== 'string' || key === '__proto__') {
        fill();
        return Reflect.getOwnPropertyDescriptor(object, key);
      }
      const output = lookUp(key);
      return output === undefined
        ? undefined
        : { value: output, writable: true, enumerable: true, configurable: true };
    },
    ownKeys(object) {
      fill();
      return Reflect.ownKeys(object);
    },
    // A scope is read, never written: fill first so a write cannot be lost by a later fill.
    set(object, key, value, receiver) {
      fill();
      return Reflect.set(object, key, value, receiver);
    },
    defineProperty(object, key, descriptor) {
      fill();
      return Reflect.defineProperty(object, key, descriptor);
    },
    deleteProperty(object, key) {
      fill();
      return Reflect.deleteProperty(object, key);
    },
  }) as unknown as JsonValue;
}
