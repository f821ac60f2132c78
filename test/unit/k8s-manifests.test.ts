/**
 * The Kubernetes manifests in scripts/cluster parse as YAML and hold to the batch/v1 Job and v1
 * PersistentVolumeClaim schemas where it matters (checks written from the Kubernetes API reference:
 * required fields, types, enum values, the Indexed-mode rules, known field names so a typo is caught),
 * and to what the sharded run needs: N = completions = SHARD_COUNT, the index from
 * JOB_COMPLETION_INDEX, one shared ReadWriteMany claim mounted by every pod, the final Job running the
 * same `autogenda run` without --shard.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

type Obj = Record<string, unknown>;
const root = new URL('../..', import.meta.url).pathname;

function load(name: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(`${root}scripts/cluster/${name}`, 'utf8'));
  for (const d of docs)
    if (d.errors.length) throw new Error(`${name}: ${d.errors.map((e) => e.message).join('; ')}`);
  return docs.map((d) => d.toJS() as Obj);
}

// Field names of the API reference (batch/v1 JobSpec, core/v1 PodSpec subset we allow, Container).
const JOB_SPEC = [
  'activeDeadlineSeconds',
  'backoffLimit',
  'backoffLimitPerIndex',
  'completionMode',
  'completions',
  'managedBy',
  'manualSelector',
  'maxFailedIndexes',
  'parallelism',
  'podFailurePolicy',
  'podReplacementPolicy',
  'selector',
  'successPolicy',
  'suspend',
  'template',
  'ttlSecondsAfterFinished',
];
const CONTAINER = [
  'args',
  'command',
  'env',
  'envFrom',
  'image',
  'imagePullPolicy',
  'lifecycle',
  'livenessProbe',
  'name',
  'ports',
  'readinessProbe',
  'resizePolicy',
  'resources',
  'restartPolicy',
  'securityContext',
  'startupProbe',
  'stdin',
  'stdinOnce',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'tty',
  'volumeDevices',
  'volumeMounts',
  'workingDir',
];
const INT32_FIELDS = [
  'activeDeadlineSeconds',
  'backoffLimit',
  'backoffLimitPerIndex',
  'completions',
  'maxFailedIndexes',
  'parallelism',
  'ttlSecondsAfterFinished',
];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i?|[mkMGTPE]|[numkMGTPE])?$/;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems of one Job against batch/v1 (the rules the API server enforces that a manifest can break). */
function jobProblems(job: Obj): string[] {
  const p: string[] = [];
  const need = (cond: boolean, what: string) => cond || p.push(what);
  need(job.apiVersion === 'batch/v1', `apiVersion must be batch/v1, not ${String(job.apiVersion)}`);
  need(job.kind === 'Job', 'kind must be Job');
  const name = (job.metadata as Obj | undefined)?.name;
  // Indexed pods' hostnames are <job name>-<index>: keep the name well below the 63-character label limit.
  need(
    typeof name === 'string' && DNS_LABEL.test(name) && name.length <= 50,
    `metadata.name '${String(name)}' is not a short DNS label`,
  );
  const spec = job.spec;
  if (!isObj(spec)) return [...p, 'spec is required'];
  for (const k of Object.keys(spec)) need(JOB_SPEC.includes(k), `spec.${k} is not a JobSpec field`);
  for (const k of INT32_FIELDS)
    if (k in spec)
      need(
        Number.isInteger(spec[k]) && (spec[k] as number) >= 0 && (spec[k] as number) < 2 ** 31,
        `spec.${k} must be an int32 ≥ 0`,
      );
  if ('completionMode' in spec)
    need(
      ['NonIndexed', 'Indexed'].includes(spec.completionMode as string),
      `spec.completionMode '${String(spec.completionMode)}'`,
    );
  if (spec.completionMode === 'Indexed') {
    need('completions' in spec, 'Indexed mode needs spec.completions');
    need(((spec.parallelism as number) ?? 1) <= 100_000, 'Indexed mode: parallelism ≤ 10^5');
  }
  if ('backoffLimitPerIndex' in spec || 'maxFailedIndexes' in spec)
    need(spec.completionMode === 'Indexed', 'backoffLimitPerIndex / maxFailedIndexes need Indexed mode');
  if ('maxFailedIndexes' in spec)
    need('backoffLimitPerIndex' in spec, 'maxFailedIndexes needs backoffLimitPerIndex');
  const tpl = spec.template;
  if (!isObj(tpl) || !isObj(tpl.spec)) return [...p, 'spec.template.spec is required'];
  const pod = tpl.spec;
  need(
    ['Never', 'OnFailure'].includes(pod.restartPolicy as string),
    `a Job's pods need restartPolicy Never or OnFailure, not ${String(pod.restartPolicy)}`,
  );
  const containers = pod.containers;
  if (!Array.isArray(containers) || containers.length === 0)
    return [...p, 'spec.template.spec.containers must be a non-empty list'];
  const volumes = (pod.volumes ?? []) as Obj[];
  need(Array.isArray(volumes), 'volumes must be a list');
  for (const v of volumes)
    need(typeof v.name === 'string' && DNS_LABEL.test(v.name), `volume name '${String(v.name)}'`);
  for (const c of containers as Obj[]) {
    const at = `container '${String(c.name)}'`;
    for (const k of Object.keys(c)) need(CONTAINER.includes(k), `${at}: ${k} is not a Container field`);
    need(typeof c.name === 'string' && DNS_LABEL.test(c.name), `${at}: name must be a DNS label`);
    need(typeof c.image === 'string' && c.image.length > 0, `${at}: image is required`);
    for (const k of ['command', 'args'])
      if (k in c)
        need(
          Array.isArray(c[k]) && (c[k] as unknown[]).every((s) => typeof s === 'string'),
          `${at}: ${k} must be a list of strings`,
        );
    for (const e of (c.env ?? []) as Obj[]) {
      need(typeof e.name === 'string' && e.name.length > 0, `${at}: env entry without a name`);
      need(
        typeof e.value === 'string' || isObj(e.valueFrom),
        `${at}: env ${String(e.name)} needs a string value (quote numbers) or valueFrom`,
      );
    }
    const res = (c.resources ?? {}) as Obj;
    for (const part of ['limits', 'requests'])
      for (const [k, v] of Object.entries((res[part] ?? {}) as Obj))
        need(
          (typeof v === 'string' && QUANTITY.test(v)) || Number.isInteger(v),
          `${at}: resources.${part}.${k} '${String(v)}' is not a quantity`,
        );
    for (const m of (c.volumeMounts ?? []) as Obj[]) {
      need(
        typeof m.mountPath === 'string' && m.mountPath.startsWith('/'),
        `${at}: mountPath must be absolute`,
      );
      need(
        volumes.some((v) => v.name === m.name),
        `${at}: volumeMount '${String(m.name)}' names no volume`,
      );
    }
  }
  return p;
}

const shards = load('k8s-shards.yaml');
const [finalJob, ...rest] = load('k8s-final.yaml');
const pvc = shards.find((d) => d.kind === 'PersistentVolumeClaim') as Obj;
const shardJob = shards.find((d) => d.kind === 'Job') as Obj;
const podOf = (job: Obj) => ((job.spec as Obj).template as Obj).spec as Obj;
const container = (job: Obj) => (podOf(job).containers as Obj[])[0];
const script = (job: Obj) =>
  [...(container(job).command as string[]), ...(container(job).args as string[])].join(' ');

describe('Kubernetes manifests', () => {
  it('k8s-shards.yaml: a PersistentVolumeClaim and a Job; k8s-final.yaml: one Job', () => {
    expect(shards.map((d) => d.kind)).toEqual(['PersistentVolumeClaim', 'Job']);
    expect(finalJob.kind).toBe('Job');
    expect(rest).toEqual([]);
  });

  it('both Jobs pass the batch/v1 Job checks', () => {
    expect(jobProblems(shardJob)).toEqual([]);
    expect(jobProblems(finalJob)).toEqual([]);
  });

  it('the checks catch what the API server would refuse', () => {
    const broken = structuredClone(shardJob);
    const spec = broken.spec as Obj;
    spec.completionMode = 'indexed';
    spec.parallelizm = 2;
    spec.completions = '8';
    podOf(broken).restartPolicy = 'Always';
    const c = container(broken);
    (c.env as Obj[])[0].value = 8;
    (c.volumeMounts as Obj[])[0].name = 'nope';
    ((c.resources as Obj).limits as Obj).memory = '24 GB';
    expect(jobProblems(broken)).toEqual([
      'spec.parallelizm is not a JobSpec field',
      'spec.completions must be an int32 ≥ 0',
      "spec.completionMode 'indexed'",
      'backoffLimitPerIndex / maxFailedIndexes need Indexed mode',
      "a Job's pods need restartPolicy Never or OnFailure, not Always",
      "container 'shard': env SHARD_COUNT needs a string value (quote numbers) or valueFrom",
      "container 'shard': resources.limits.memory '24 GB' is not a quantity",
      "container 'shard': volumeMount 'nope' names no volume",
    ]);
  });

  it('the shared volume: a ReadWriteMany v1 claim with a size, mounted by both Jobs', () => {
    expect(pvc.apiVersion).toBe('v1');
    const spec = pvc.spec as Obj;
    expect(spec.accessModes).toEqual(['ReadWriteMany']);
    expect(((spec.resources as Obj).requests as Obj).storage).toMatch(QUANTITY);
    for (const job of [shardJob, finalJob]) {
      const vols = podOf(job).volumes as Obj[];
      expect(vols.map((v) => (v.persistentVolumeClaim as Obj).claimName)).toEqual([
        (pvc.metadata as Obj).name,
      ]);
    }
  });

  it('the shard Job is Indexed, N = completions = SHARD_COUNT, one GPU per pod, --shard from JOB_COMPLETION_INDEX', () => {
    const spec = shardJob.spec as Obj;
    expect(spec.completionMode).toBe('Indexed');
    const env = container(shardJob).env as Obj[];
    expect(env.find((e) => e.name === 'SHARD_COUNT')?.value).toBe(String(spec.completions));
    expect(spec.parallelism as number).toBeLessThanOrEqual(spec.completions as number);
    expect(((container(shardJob).resources as Obj).limits as Obj)['nvidia.com/gpu']).toBe(1);
    expect(script(shardJob)).toMatch(/autogenda run .* --shard "\$JOB_COMPLETION_INDEX\/\$SHARD_COUNT"/);
    // captions first, then the rest, waiting while other shards' captions are missing (exit 75)
    expect(script(shardJob)).toMatch(/run --until caption/);
    expect(script(shardJob)).toMatch(/"\$rc" -eq 75/);
  });

  it('the final Job runs the same `autogenda run` without --shard', () => {
    const runArgs = (job: Obj) =>
      /autogenda run((?: --[a-z-]+ \S+)+)/.exec(script(job).replace(/\s+/g, ' '))?.[1];
    const sharded = runArgs(shardJob)?.replace(/ --shard \S+/, '');
    expect(sharded).toBeDefined();
    expect(runArgs(finalJob)).toBe(sharded);
    expect(script(finalJob)).not.toMatch(/--shard/);
    expect((finalJob.spec as Obj).completionMode ?? 'NonIndexed').toBe('NonIndexed');
  });
});
