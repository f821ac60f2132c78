/**
 * Backbone (pooled features, no logits, so no ImageNet top-1): two properties every trained
 * ResNet-50 has. (1) Its pooled features are averages of ReLU outputs, so none is negative.
 * (2) It was trained with random horizontal flips, so a photo and its mirror image are closer in
 * feature space than two different photos.
 */
import type { Backbone } from '../../stages/backbone.ts';
import { cosine, flipX } from './measures.ts';
import { CHECK_PHOTOS, type Photos } from './photos.ts';
import { type CheckItem, item } from './result.ts';

/** fp16 exports round; a ReLU output is still never below zero by more than this. */
const RELU_SLACK = -1e-3;

export async function checkBackbone(b: Backbone, photos: Photos, signal?: AbortSignal): Promise<CheckItem[]> {
  const imgs = CHECK_PHOTOS.map((p) => photos[p]);
  const n = imgs.length;
  const f = await b.features([...imgs, ...imgs.map(flipX)], { signal });
  const D = b.dim;
  let min = Number.POSITIVE_INFINITY;
  for (const v of f) min = Math.min(min, v);
  // margin per photo: cos(photo, its mirror) − max over other photos cos(photo, other)
  let margin = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    let other = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) if (j !== i) other = Math.max(other, cosine(f, D, i, j));
    margin = Math.min(margin, cosine(f, D, i, n + i) - other);
  }
  return [
    item({
      name: 'features non-negative',
      value: min,
      threshold: RELU_SLACK,
      op: 'min',
      unit: '(smallest feature)',
      source:
        'architecture: ResNet-50 (He et al. 2016) ends each bottleneck with ReLU before global average pooling (torchvision Bottleneck.forward; transformers ResNetBottleNeckLayer)',
      detail: `${f.length} features of ${2 * n} images`,
    }),
    item({
      name: 'mirror closer than other photos',
      value: margin,
      threshold: 0,
      op: 'min',
      unit: '(cosine margin, worst photo)',
      source:
        'training: ResNet-50 is trained with random horizontal flips (He et al. 2016 §3.4; torchvision reference recipe), so features are near flip-invariant',
      detail: CHECK_PHOTOS.join(', '),
    }),
  ];
}
