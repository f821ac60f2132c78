/**
 * The worker's half of dead-worker detection. A Worker fires no event when it is terminated, closes
 * itself or is killed, but the Web Locks API releases every lock an agent holds when the agent goes
 * away. So the worker takes a lock named by the page and never lets go of it; the page queues on the
 * same lock and is granted it exactly when the worker is gone — also while the worker's thread is
 * busy in a long model call, where a heartbeat would have to guess a timeout.
 */

/** Resolves once the worker holds `name` (true), or at once with false where there are no Web Locks. */
export function holdLifeline(name: string): Promise<boolean> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return Promise.resolve(false);
  return new Promise((held) => {
    void locks.request(name, () => {
      held(true);
      return new Promise<never>(() => {}); // held for the worker's whole life
    });
  });
}
