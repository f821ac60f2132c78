/**
 * A small least-recently-used cache in front of an async loader: the run decodes an image when a
 * stage needs it and keeps only the last few (a candidate's parent is used K times in a row), so the
 * memory of a run does not grow with the dataset. A load in flight is shared, a failed one not kept.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, Promise<V>>();

  constructor(
    readonly capacity: number,
    private readonly load: (key: K) => Promise<V>,
  ) {
    if (!(capacity >= 1)) throw new Error(`Lru: capacity ${capacity} must be at least 1`);
  }

  get(key: K): Promise<V> {
    let v = this.map.get(key);
    if (v)
      this.map.delete(key); // re-inserted below: Map order is the recency order
    else {
      v = this.load(key);
      v.catch(() => {
        if (this.map.get(key) === v) this.map.delete(key);
      });
    }
    this.map.set(key, v);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
    return v;
  }

  /** Entries held now (at most `capacity`). */
  get size(): number {
    return this.map.size;
  }
}
