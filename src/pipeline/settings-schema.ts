/**
 * Every setting of a run, declared once (core/setting-spec.ts): `autogenda run`'s flags and `--help`,
 * the Run form's fields, validation (resolveSettings), the app's defaults and the report's settings block
 * are built from this list and the training group's TRAIN_SETTINGS.
 *
 * The defaults, shared by the CLI and the app, are those of a run on the user's own dataset: the dataset
 * as it is (profile full — the imbalanced and low-shot profiles re-create the paper's benchmark settings,
 * ALGORITHM.md §2, and would throw a user's images away), the paper's m = 3 neighbours, K = 2 candidates
 * per source and 50 + 50 epochs, the method itself once (seed 0), and the img2img model's own strength,
 * steps and guidance (its manifest: SD v1.x 50 steps and guidance 7.5, SD-Turbo 1 step without guidance,
 * so a fast model never runs with a slow model's settings). The paper's comparison — imbalanced 0.1,
 * three seeds, AutoGenDA against its baselines — is the `paper` preset, and the one-click demo's quick
 * settings are the `demo` preset (presets.ts).
 */
import type { SettingSpec } from '../core/setting-spec.ts';
import { METHODS } from '../train/method-registry.ts';

/** Defaults from bench/RESULTS.md ("Batched generation and captioning"). */
export const BATCH_GENERATE = 4;
export const BATCH_CAPTION = 4;

const methodNames = Object.keys(METHODS).join(', ');

/** The run's own settings (PipelineSettings keys); TRAIN_SETTINGS holds the training engine's. */
export const RUN_SETTINGS = [
  {
    key: 'profiles',
    flag: 'profile',
    type: 'profiles',
    default: ['full'],
    group: 'data',
    label: 'Profile',
    help: 'which training images a run keeps: imbalanced:F, lowshot:K or full; several run one after another',
    value: 'P[,P…]',
  },
  {
    key: 'testFraction',
    flag: 'test-fraction',
    type: 'number',
    default: 0.2,
    min: 0,
    max: 1,
    open: 'both',
    step: 'any',
    group: 'data',
    label: 'Test fraction',
    help: 'held out per class, never seen by search or training',
    value: 'X',
  },
  {
    key: 'seed',
    flag: 'seed',
    type: 'integer',
    default: 0,
    min: 0,
    max: 0xffffffff,
    group: 'data',
    label: 'Data seed',
    help: 'seeds the split, the prompts and the generation',
    value: 'N',
  },
  {
    key: 'kLocal',
    flag: 'k-local',
    type: 'integer',
    default: 2,
    min: 0,
    group: 'generation',
    label: 'Local candidates per image (K)',
    help: 'img2img candidates per training image from captions of the same class',
    value: 'N',
  },
  {
    key: 'kTransfer',
    flag: 'k-transfer',
    type: 'integer',
    default: 2,
    min: 0,
    group: 'generation',
    label: 'Transfer candidates per image (K)',
    help: 'img2img candidates per training image from captions of neighbour classes',
    value: 'N',
  },
  {
    key: 'neighbours',
    flag: 'neighbours',
    type: 'integer',
    default: 3,
    min: 1,
    group: 'generation',
    label: 'Neighbour classes (m)',
    help: 'nearest class names by the sentence embedder',
    value: 'N',
  },
  {
    key: 'strength',
    flag: 'strength',
    type: 'number',
    default: undefined,
    fromModel: true,
    min: 0,
    max: 1,
    step: 0.05,
    group: 'generation',
    label: 'Strength',
    help: 'how far img2img moves from the original',
    value: 'X',
  },
  {
    key: 'guidance',
    flag: 'guidance',
    type: 'number',
    default: undefined,
    fromModel: true,
    min: 0,
    step: 0.5,
    group: 'generation',
    label: 'Guidance',
    help: 'classifier-free guidance scale (models trained without it ignore it)',
    value: 'X',
  },
  {
    key: 'steps',
    flag: 'steps',
    type: 'integer',
    default: undefined,
    fromModel: true,
    min: 1,
    group: 'generation',
    label: 'Denoising steps',
    help: 'img2img scheduler steps over the full schedule',
    value: 'N',
  },
  {
    key: 'batchGenerate',
    flag: 'batch-generate',
    type: 'integer',
    default: BATCH_GENERATE,
    min: 1,
    group: 'generation',
    label: 'Images per img2img call',
    help: 'images per img2img call; the same images as one at a time',
    value: 'N',
  },
  {
    key: 'batchCaption',
    flag: 'batch-caption',
    type: 'integer',
    default: BATCH_CAPTION,
    min: 1,
    group: 'generation',
    label: 'Images per captioner call',
    help: 'images per captioner call; the same captions as one at a time',
    value: 'N',
  },
  {
    key: 'seeds',
    flag: 'seeds',
    type: 'integers',
    default: [0],
    count: true,
    min: 0,
    max: 0xffffffff,
    group: 'training',
    label: 'Training seeds',
    help: 'every method runs once per training seed',
    value: 'N|a,b',
  },
  {
    key: 'methods',
    flag: 'methods',
    type: 'strings',
    default: ['autogenda'],
    group: 'training',
    label: 'Methods',
    help: `comma list of ${methodNames}, or search:a+b, uniform:a+b, fixed:a=0.3,b=0.7`,
    value: 'a,b',
  },
] as const satisfies readonly SettingSpec[];

export const SETTING_GROUPS = ['data', 'generation', 'training'] as const;
