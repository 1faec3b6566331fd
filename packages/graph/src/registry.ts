import type { NodeSpec } from "./define-node";

/**
 * A set of node types keyed by type id. Works for specs (browser) and full definitions (runner).
 * Registering a type id twice is a programming error and throws.
 */
export class NodeRegistry<T extends NodeSpec<any> = NodeSpec<any>> {
  private readonly byType = new Map<string, T>();

  constructor(nodes: Iterable<T> = []) {
    for (const node of nodes) this.register(node);
  }

  register(node: T): this {
    if (this.byType.has(node.type)) throw new Error(`node type '${node.type}' is registered twice`);
    this.byType.set(node.type, node);
    return this;
  }

  get(type: string): T | undefined {
    return this.byType.get(type);
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  list(): T[] {
    return [...this.byType.values()];
  }
}
