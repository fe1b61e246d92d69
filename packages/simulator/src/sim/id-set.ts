/**
 * A set of ids with O(1) add, delete and uniform random pick. Its order depends
 * only on the sequence of operations, so picks stay deterministic.
 */
export class IdSet {
  private readonly items: number[] = [];
  private readonly index = new Map<number, number>();

  get size(): number {
    return this.items.length;
  }

  has(id: number): boolean {
    return this.index.has(id);
  }

  add(id: number): void {
    if (this.index.has(id)) return;
    this.index.set(id, this.items.length);
    this.items.push(id);
  }

  delete(id: number): void {
    const at = this.index.get(id);
    if (at === undefined) return;
    const last = this.items.pop()!;
    this.index.delete(id);
    if (last !== id) {
      this.items[at] = last;
      this.index.set(last, at);
    }
  }

  /** The id at a position in [0, size): pair with a PRNG for a random pick. */
  at(position: number): number {
    const id = this.items[position];
    if (id === undefined)
      throw new RangeError(`position ${position} outside an IdSet of ${this.items.length}`);
    return id;
  }

  values(): readonly number[] {
    return this.items;
  }
}
