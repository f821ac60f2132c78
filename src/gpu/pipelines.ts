/**
 * Pipeline cache keyed by shader source. Compiles inside error scopes and turns compiler messages into a
 * ShaderCompileError with line:col, the offending line and a caret, so a broken kernel says where it broke.
 */
import { LimitTooLowError, ShaderCompileError } from '../core/errors.ts';
import { bindGroupLayoutEntries, type KernelSpec, kernelSource, storageBindingCount } from './kernel.ts';

export interface CompiledKernel {
  spec: KernelSpec;
  source: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export class PipelineCache {
  private cache = new Map<string, Promise<CompiledKernel>>();
  /** Number of distinct pipelines compiled (for tests: a second request must not recompile). */
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  get(spec: KernelSpec): Promise<CompiledKernel> {
    const source = kernelSource(spec);
    let hit = this.cache.get(source);
    if (!hit) {
      hit = this.compile(spec, source);
      this.cache.set(source, hit);
      hit.catch(() => this.cache.delete(source)); // a failed compile may be retried after a fix
    }
    return hit;
  }

  private async compile(spec: KernelSpec, source: string): Promise<CompiledKernel> {
    const have = this.device.limits.maxStorageBuffersPerShaderStage;
    const need = storageBindingCount(spec);
    if (need > have)
      throw new LimitTooLowError('maxStorageBuffersPerShaderStage', have, need, `by kernel ${spec.label}`);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code: source, label: spec.label });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length) {
      await this.device.popErrorScope();
      throw new ShaderCompileError(formatCompileErrors(spec.label, source, errors));
    }
    const layout = this.device.createBindGroupLayout({
      entries: bindGroupLayoutEntries(spec),
      label: spec.label,
    });
    let pipeline: GPUComputePipeline;
    try {
      pipeline = await this.device.createComputePipelineAsync({
        label: spec.label,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      });
    } catch (e) {
      await this.device.popErrorScope();
      throw new ShaderCompileError(
        `kernel ${spec.label}: pipeline creation failed: ${(e as Error).message}\n${numbered(source)}`,
      );
    }
    const scoped = await this.device.popErrorScope();
    if (scoped) throw new ShaderCompileError(`kernel ${spec.label}: ${scoped.message}\n${numbered(source)}`);
    this.compiled++;
    return { spec, source, pipeline, layout };
  }
}

function formatCompileErrors(
  label: string,
  source: string,
  errors: readonly GPUCompilationMessage[],
): string {
  const lines = source.split('\n');
  const parts = errors.map((m) => {
    const text = lines[m.lineNum - 1] ?? '';
    const caret = `${' '.repeat(Math.max(0, m.linePos - 1))}^`;
    return `${label}.wgsl:${m.lineNum}:${m.linePos}: ${m.message}\n  ${text}\n  ${caret}`;
  });
  return `WGSL compile error in kernel ${label}:\n${parts.join('\n')}\n--- source ---\n${numbered(source)}`;
}

function numbered(source: string): string {
  return source
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(4)} | ${l}`)
    .join('\n');
}
