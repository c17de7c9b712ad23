// Containers whose children are named like PyTorch's, so state dicts map onto ports by name.
import { Module } from '../../nn/index.js';

/** Indexed children, as torch.nn.ModuleList (names "0", "1", ...). */
export class ModuleList<M extends Module> extends Module {
  readonly items: readonly M[];

  constructor(items: readonly M[]) {
    super();
    this.items = items;
    items.forEach((m, i) => this.child(String(i), m));
  }
}

/** Children under given keys, as torch.nn.ModuleDict (only the keys that have a module). */
export class ModuleMap<M extends Module> extends Module {
  private readonly byKey = new Map<string, M>();

  constructor(entries: Iterable<readonly [string, M]>) {
    super();
    for (const [k, m] of entries) {
      this.byKey.set(k, m);
      this.child(k, m);
    }
  }

  get(key: string | number): M | undefined {
    return this.byKey.get(String(key));
  }
}
