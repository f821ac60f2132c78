/**
 * One error hierarchy for the whole product. Every class has a stable `name` (it survives
 * structured cloning and Comlink, which keep only name/message/stack) and a message that tells
 * the user what to do next. `reviveError` rebuilds the typed error on the other side of a worker.
 */

export class AutoGenDAError extends Error {
  /** Stable identifier; never rename an existing one (stored runs and workers rely on it). */
  override readonly name: string = 'AutoGenDAError';
}

export class WebGPUUnavailableError extends AutoGenDAError {
  override readonly name = 'WebGPUUnavailableError';
}

export class FeatureMissingError extends AutoGenDAError {
  override readonly name = 'FeatureMissingError';
  constructor(
    readonly feature: string,
    why: string,
  ) {
    super(`This GPU does not offer the WebGPU feature '${feature}', needed ${why}.`);
  }
}

export class LimitTooLowError extends AutoGenDAError {
  override readonly name = 'LimitTooLowError';
  constructor(
    readonly limit: string,
    readonly have: number,
    readonly need: number,
    why = '',
  ) {
    super(`GPU limit ${limit} is ${have}, but ${need} is needed${why ? ` ${why}` : ''}.`);
  }
}

export class ShaderCompileError extends AutoGenDAError {
  override readonly name = 'ShaderCompileError';
}

export class DeviceLostError extends AutoGenDAError {
  override readonly name = 'DeviceLostError';
}

export class GPUValidationError extends AutoGenDAError {
  override readonly name = 'GPUValidationError';
}

export class ExecutionProviderError extends AutoGenDAError {
  override readonly name = 'ExecutionProviderError';
}

export class ModelIntegrityError extends AutoGenDAError {
  override readonly name = 'ModelIntegrityError';
}

export class ModelSignatureError extends AutoGenDAError {
  override readonly name = 'ModelSignatureError';
}

export class QuotaExceededError extends AutoGenDAError {
  override readonly name = 'QuotaExceededError';
}

/** A bad input file or dataset: always names the file (or item) and the reason. */
export class BadDatasetError extends AutoGenDAError {
  override readonly name = 'BadDatasetError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export class ConfigError extends AutoGenDAError {
  override readonly name = 'ConfigError';
}

export class CancelledError extends AutoGenDAError {
  override readonly name = 'CancelledError';
  constructor(message = 'Cancelled.') {
    super(message);
  }
}

/** A model file could not be fetched (HTTP status, network, CORS); says which file and from where. */
export class DownloadError extends AutoGenDAError {
  override readonly name = 'DownloadError';
}

/** Name → plain constructor taking a message; used to rebuild errors that crossed a worker. */
const plain: Record<string, new (message: string) => AutoGenDAError> = {
  AutoGenDAError,
  WebGPUUnavailableError,
  ShaderCompileError,
  DeviceLostError,
  GPUValidationError,
  ExecutionProviderError,
  ModelIntegrityError,
  ModelSignatureError,
  QuotaExceededError,
  ConfigError,
  CancelledError,
  DownloadError,
};

/** Every stable error name, for tests and for the UI's error messages. */
export const ERROR_NAMES = [
  ...Object.keys(plain),
  'FeatureMissingError',
  'LimitTooLowError',
  'BadDatasetError',
] as const;

/**
 * Rebuild a typed error from `{name, message}` (what survives postMessage). Errors whose
 * constructors take structured fields come back as their base class with the same name and message.
 */
export function reviveError(e: { name?: string; message?: string; stack?: string }): Error {
  const message = e.message ?? String(e);
  const Ctor = e.name ? plain[e.name] : undefined;
  const err: Error = Ctor ? new Ctor(message) : new AutoGenDAError(message);
  if (!Ctor && e.name) Object.defineProperty(err, 'name', { value: e.name });
  if (e.stack) err.stack = e.stack;
  return err;
}
