/**
 * ONNX Runtime's WebGPU device, watched for loss. ORT keeps one device per realm and has no way to
 * replace it, so after a loss every model call fails with some driver message; a call that fails on a
 * lost device is reported as DeviceLostError instead, which the app answers with a fresh worker (a
 * fresh realm, a fresh device) and the CLI with a restart.
 */
import type { OrtModule } from './runtime.ts';

let watched = false;
let lostWhy: string | undefined;

/** Start watching (after a WebGPU session exists, so reading `env.webgpu.device` creates nothing). */
export function watchOrtDevice(ort: OrtModule): void {
  if (watched) return;
  watched = true;
  void Promise.resolve(ort.env.webgpu?.device)
    .then((device) =>
      device?.lost.then((info) => {
        lostWhy = `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
      }),
    )
    .catch(() => {
      watched = false; // no device after all: try again with the next WebGPU session
    });
}

/** Why ORT's WebGPU device was lost, or undefined while it is alive (or was never created). */
export function ortDeviceLost(): string | undefined {
  return lostWhy;
}
