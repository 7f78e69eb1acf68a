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
  return new Proxy({}, new UpstreamOutputsHandler(options)) as unknown as JsonValue;
}

/**
 * The traps of one node's `nodes` scope. A class, so the traps are shared methods and a scope
 * costs one handler object instead of a closure per trap (a run makes one scope per node).
 */
class UpstreamOutputsHandler implements ProxyHandler<Record<string, JsonValue>> {
  private readonly options: UpstreamOutputsOptions;
  private filled = false;

  constructor(options: UpstreamOutputsOptions) {
    this.options = options;
  }

  /** Copies every upstream output into the target, once. */
  private fill(target: Record<string, JsonValue>): void {
    if (this.filled) return;
    this.filled = true;
    const { node, upstream, outputOf } = this.options;
    for (const ancestor of upstream.upstreamOf(node)) {
      const output = outputOf(ancestor);
      if (output !== undefined) target[ancestor] = output;
    }
  }

  /** Only an own key of the filled object may be answered without filling it. */
  private lookUp(key: string | symbol): JsonValue | undefined {
    if (typeof key !== 'string' || key === '__proto__') return undefined;
    const { node, upstream, outputOf } = this.options;
    const output = outputOf(key);
    return output !== undefined && upstream.isUpstream(key, node) ? output : undefined;
  }

  get(target: Record<string, JsonValue>, key: string | symbol, receiver: unknown): unknown {
    if (this.filled) return Reflect.get(target, key, receiver);
    return this.lookUp(key) ?? Reflect.get(target, key, receiver);
  }

  has(target: Record<string, JsonValue>, key: string | symbol): boolean {
    if (this.filled) return Reflect.has(target, key);
    return this.lookUp(key) !== undefined || Reflect.has(target, key);
  }

  getOwnPropertyDescriptor(
    target: Record<string, JsonValue>,
    key: string | symbol,
  ): PropertyDescriptor | undefined {
    if (this.filled || typeof key !== 'string' || key === '__proto__') {
      this.fill(target);
      return Reflect.getOwnPropertyDescriptor(target, key);
    }
    const output = this.lookUp(key);
    return output === undefined
      ? undefined
      : { value: output, writable: true, enumerable: true, configurable: true };
  }

  ownKeys(target: Record<string, JsonValue>): ArrayLike<string | symbol> {
    this.fill(target);
    return Reflect.ownKeys(target);
  }

  // A scope is read, never written: fill first so a write cannot be lost by a later fill.
  set(
    target: Record<string, JsonValue>,
    key: string | symbol,
    value: unknown,
    receiver: unknown,
  ): boolean {
    this.fill(target);
    return Reflect.set(target, key, value, receiver);
  }

  defineProperty(
    target: Record<string, JsonValue>,
    key: string | symbol,
    descriptor: PropertyDescriptor,
  ): boolean {
    this.fill(target);
    return Reflect.defineProperty(target, key, descriptor);
  }

  deleteProperty(target: Record<string, JsonValue>, key: string | symbol): boolean {
    this.fill(target);
    return Reflect.deleteProperty(target, key);
  }
}
