/**
 * Collects the keys asked for while graphql-js walks one level of a query, and answers them with one
 * call. graphql-js calls the resolvers of every item of a list before it awaits any of them, so
 * waiting for the next turn of the event loop (setImmediate, after every pending promise job) sees
 * the whole level. Answers are remembered for the query's lifetime: an object named by many peers
 * (the site of every device) is read once.
 */
export class Batch<K, V> {
  private readonly done = new Map<K, Promise<V>>();
  private pending: { key: K; resolve: (v: V) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly load: (keys: K[]) => Map<K, V>, private readonly missing: V) {}

  get(key: K): Promise<V> {
    let p = this.done.get(key);
    if (p === undefined) {
      p = new Promise<V>((resolve, reject) => {
        if (this.pending.length === 0) setImmediate(() => this.flush());
        this.pending.push({ key, resolve, reject });
      });
      this.done.set(key, p);
    }
    return p;
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    try {
      const answers = this.load(batch.map((b) => b.key));
      for (const b of batch) b.resolve(answers.has(b.key) ? answers.get(b.key)! : this.missing);
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}
