/**
 * A GPU device lost in the middle of a training run: the pipeline's training stage acquires a new device and
 * runs the item again, ending exactly where an uninterrupted run ends (same seed, same adapter). The loss
 * goes through `Gpu.markLost`, the path the device.lost handler takes (a real destroy with work in flight
 * crashes lavapipe at process exit). Runs in Node on Dawn: several devices in one Deno process made
 * Deno + lavapipe crash at exit now and then ("corrupted size vs. prev_size"), after every test had passed.
 */
import { beforeAll, expect, it } from 'vitest';
import { Gpu } from '../../src/gpu/device.ts';
import { onLiveDevice } from '../../src/pipeline/train-runs.ts';
import { resolveTrainConfig } from '../../src/train/config.ts';
import { parseMethod } from '../../src/train/methods.ts';
import { runMethod } from '../../src/train/run-method.ts';
import { randomBank } from '../support/random-bank.ts';
import { installDawn } from './dawn.ts';

beforeAll(installDawn);

it('a device lost mid-run is replaced and the run ends as if nothing happened', async () => {
  const bank = randomBank(11, { N: 500, S: 3, K: 2, D: 16, C: 4 });
  // 8 epochs × (25 θ + 25 α steps) > 256 steps per submit: the loss lands between two submits.
  const cfg = resolveTrainConfig({
    epochs: 8,
    finalEpochs: 2,
    batchSize: 8,
    lr: 1e-2,
    alphaLr: 0.1,
    seed: 3,
  });
  const method = parseMethod('autogenda', bank.S);

  const fresh = await Gpu.acquire();
  const want = await runMethod(fresh, bank, method, cfg);
  fresh.destroy();

  const devices: Gpu[] = [];
  const acquire = async () => {
    const last = devices.at(-1);
    if (last && !last.lost) return last;
    const gpu = await Gpu.acquire();
    devices.push(gpu);
    return gpu;
  };
  let killed = false;
  const got = await onLiveDevice(acquire, (gpu) =>
    runMethod(gpu, bank, method, cfg, {
      onProgress: () => {
        if (!killed) {
          killed = true;
          gpu.markLost('simulated by the test'); // what the device.lost handler does on a real loss
        }
      },
    }),
  );
  for (const d of devices) d.destroy();
  expect(killed, 'the device was never lost: the test proves nothing').toBe(true);
  expect(devices.length, 'one replacement device').toBe(2);
  expect(got.probs).toEqual(want.probs);
  expect(got.metrics.top1).toBe(want.metrics.top1);
}, 120_000);
