/**
 * The UNet's `timestep` feed in the dtype and shape the graph declares: exporters disagree
 * (int64 [steps], float [batch], float scalar; float16 in fp16 exports — the session casts float32).
 */
import { ModelSignatureError } from '../../core/errors.ts';
import type { SessionLike } from '../../ort/session.ts';
import type { TensorData } from '../../ort/types.ts';

export function timestepFeed(unet: Pick<SessionLike, 'inputs'>, t: number, batch: number): TensorData {
  const spec = unet.inputs.find((i) => i.name === 'timestep');
  if (!spec) throw new ModelSignatureError("img2img: the UNet has no 'timestep' input.");
  const dims = spec.shape.length === 0 ? [] : [batch];
  const n = Math.max(1, batch * dims.length);
  switch (spec.dtype) {
    case 'int64':
      return { type: 'int64', data: new BigInt64Array(n).fill(BigInt(Math.round(t))), dims };
    case 'int32':
      return { type: 'int32', data: new Int32Array(n).fill(Math.round(t)), dims };
    case 'float32':
    case 'float16':
      return { type: 'float32', data: new Float32Array(n).fill(t), dims };
    default:
      throw new ModelSignatureError(`img2img: UNet 'timestep' is ${spec.dtype}; expected int64 or float.`);
  }
}
