/**
 * Where an experiment's banks come from. Fashion-MNIST: one bank per (profile, seed), conventional sources
 * rendered on the GPU as views. A bank directory: the same bank for every seed (its candidates — e.g.
 * generated images' features — were made elsewhere), only the training seed varies.
 */
import { ConfigError } from '../core/errors.ts';
import { parseProfile } from '../core/profiles.ts';
import type { Augmenter } from '../stages/augment/augmenter.ts';
import { VIEW_PIPELINES } from '../stages/augment/pipelines.ts';
import type { FeatureBank } from '../train/bank.ts';
import { bankTrainCounts } from '../train/sub-bank.ts';
import { fashionMnistSetting, type GreySet, type SettingOptions } from './fashion-mnist.ts';
import { buildImageBank } from './image-bank.ts';
import type { ProvidedSetting, SettingProvider } from './runner.ts';

/** Sources a dataset of images can provide without generative models. */
export function checkConventional(sources: readonly string[]): void {
  const bad = sources.filter((s) => s !== 'identity' && !Object.hasOwn(VIEW_PIPELINES, s));
  if (bad.length)
    throw new ConfigError(
      `source(s) ${bad.map((s) => `'${s}'`).join(', ')} need generated images, which an image dataset alone cannot provide; ` +
        `use conventional sources (identity, ${Object.keys(VIEW_PIPELINES).join(', ')}) or --bank DIR with those candidates`,
    );
}

export interface FashionProviderOptions extends SettingOptions {
  sources: readonly string[];
  views: number;
  onProgress?: Parameters<typeof buildImageBank>[3]['onProgress'];
}

/** Settings are profile strings ('imbalanced:0.01', 'lowshot:4'); the seed picks images, views and training. */
export function fashionMnistProvider(
  aug: Augmenter,
  train: GreySet,
  test: GreySet,
  opts: FashionProviderOptions,
): SettingProvider {
  checkConventional(opts.sources);
  return async (setting, seed) => {
    const s = fashionMnistSetting(train, test, parseProfile(setting), seed, opts);
    const bank = await buildImageBank(aug, s.images, s.split, {
      sources: opts.sources,
      views: opts.views,
      seed,
      mode: 'grey',
      onProgress: opts.onProgress,
    });
    return { bank, trainCounts: s.trainCounts };
  };
}

/** A fixed bank for every setting and seed. */
export function fixedBankProvider(bank: FeatureBank): SettingProvider {
  const provided: ProvidedSetting = { bank, trainCounts: bankTrainCounts(bank) };
  return async () => provided;
}
