/**
 * Indices of the items matching a predicate in a list that only grows at its end (a log being read or
 * streamed): each item is tested once, so re-rendering a 100,000-line log does not rescan it.
 */
export class GrowingScan<T> {
  private scanned = 0;
  private found: number[] = [];

  constructor(private readonly predicate: (item: T) => boolean) {}

  /** Matching indices of `items`, a later state of the list given before; a new array when it changed. */
  matchesIn(items: readonly T[]): readonly number[] {
    if (items.length < this.scanned) {
      this.scanned = 0;
      this.found = [];
    }
    if (items.length === this.scanned) return this.found;
    const added: number[] = [];
    for (let i = this.scanned; i < items.length; i++) if (this.predicate(items[i])) added.push(i);
    this.scanned = items.length;
    if (added.length > 0) this.found = [...this.found, ...added];
    return this.found;
  }
}
