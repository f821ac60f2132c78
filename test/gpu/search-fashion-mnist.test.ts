/**
 * The search works on real data (issue acceptance): Fashion-MNIST made imbalanced as ALGORITHM §2
 * (factor 0.01, largest class 200 images), raw pixels as features, three sources — the image, a helpful
 * augmentation of it (small shift + noise) and a harmful one (an image of another class under this label).
 * With the default settings the learned policy must keep the harmful source clearly below 1/3 for most
 * classes, and `autogenda` must beat `search-free` on test accuracy. Deno only (reads the Debian dataset).
 */

import { adapterLabel } from '../../src/gpu/capabilities.ts';
import { Gpu } from '../../src/gpu/device.ts';
import { resolveTrainConfig } from '../../src/train/config.ts';
import { parseMethod } from '../../src/train/methods.ts';
import { runMethod } from '../../src/train/run-method.ts';
import { fashionMnistAvailable } from '../support/fashion-mnist.ts';
import { loadThreeSourceBank } from '../support/three-source-bank.ts';

declare const Deno: {
  test(o: {
    name: string;
    ignore?: boolean;
    fn: () => Promise<void>;
    sanitizeResources?: boolean;
    sanitizeOps?: boolean;
  }): void;
};

const available = await fashionMnistAvailable();
if (!available)
  console.log(
    '[gpu] Fashion-MNIST not installed (Debian dataset-fashion-mnist): skipping the real-data search test',
  );

Deno.test({
  name: 'search on imbalanced Fashion-MNIST avoids the harmful source and beats search-free (default settings)',
  ignore: !available,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { bank } = await loadThreeSourceBank({ factor: 0.01, seed: 0 });
    const gpu = await Gpu.acquire();
    const cfg = resolveTrainConfig(); // the defaults, as a user gets them
    const auto = await runMethod(gpu, bank, parseMethod('autogenda', bank.S), cfg);
    const free = await runMethod(gpu, bank, parseMethod('search-free', bank.S), cfg);
    const harmful = auto.probs.map((p) => p[bank.sources.indexOf('harmful')]);
    const below = harmful.filter((p) => p < 0.25).length;
    console.log(
      `  adapter ${adapterLabel(gpu.capabilities)}; ${bank.split.train.length} train / ${bank.split.valid.length} valid / ${bank.split.test.length} test images`,
    );
    console.log(
      `  harmful share per class: ${harmful.map((p) => p.toFixed(2)).join(' ')} (${below}/10 below 0.25)`,
    );
    console.log(
      `  top-1: autogenda ${(100 * auto.metrics.top1).toFixed(1)}%, search-free ${(100 * free.metrics.top1).toFixed(1)}%`,
    );
    gpu.destroy();
    if (below < 6) throw new Error(`harmful source below 0.25 for only ${below}/10 classes`);
    const mean = harmful.reduce((a, b) => a + b, 0) / harmful.length;
    if (!(mean < 0.3)) throw new Error(`mean harmful share ${mean.toFixed(3)} is not clearly below 1/3`);
    if (!(auto.metrics.top1 > free.metrics.top1 + 0.02)) {
      throw new Error(`autogenda ${auto.metrics.top1} does not beat search-free ${free.metrics.top1}`);
    }
  },
});
