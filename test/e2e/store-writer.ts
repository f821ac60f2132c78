/**
 * One Deno process on a shared file-system store, for test/e2e/store-processes.test.ts:
 *   write DIR WRITER ROUNDS KEYS — puts every key ROUNDS times (its own order), then prints `done`;
 *   read DIR KEYS STOPFILE — reads every key until STOPFILE exists, checking each value is whole,
 *     then prints `{"reads":N,"problems":[…]}`.
 */
import { openFsStore } from '../../src/storage/fs.ts';
import { denoFs } from '../../src/storage/fs-deno.ts';
import { checkBytes, makeValue } from '../support/store-values.ts';

declare const Deno: { args: string[]; stat(p: string): Promise<unknown> };
const [mode, dir, ...rest] = Deno.args;
const store = await openFsStore(denoFs, dir);

if (mode === 'write') {
  const [writer, rounds, keys] = rest.map(Number);
  for (let round = 0; round < rounds; round++)
    for (let i = 0; i < keys; i++) {
      const k = (i * (writer + 1) + writer) % keys; // overlapping keys, a different order per writer
      const v = makeValue(writer, round, k);
      await store.put('candidates', `c/${k}`, v.meta, v.data);
    }
  console.log('done');
} else {
  const keys = Number(rest[0]);
  const stop = rest[1];
  const problems: string[] = [];
  let reads = 0;
  const stopped = () =>
    Deno.stat(stop).then(
      () => true,
      () => false,
    );
  while (!(await stopped())) {
    for (let k = 0; k < keys; k++) {
      const rec = await store.get('candidates', `c/${k}`);
      if (!rec) continue;
      if (rec.meta.key !== k || rec.size !== rec.meta.len)
        problems.push(`head of ${k}: ${JSON.stringify(rec)}`);
      const bad = checkBytes(k, await store.data('candidates', `c/${k}`));
      if (bad) problems.push(bad);
      reads++;
    }
  }
  console.log(JSON.stringify({ reads, problems: problems.slice(0, 20) }));
}
