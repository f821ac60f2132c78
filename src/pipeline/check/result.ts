/**
 * What a models check reports: per model, each known-answer measurement with its threshold and the
 * published value or physical property the threshold comes from (docs/MODELS-CHECK.md).
 */
import type { Task } from '../../models/manifest.ts';

/** 'min': value ≥ threshold; 'max': value ≤ threshold; 'near': |value − threshold| ≤ tolerance. */
export type CheckOp = 'min' | 'max' | 'near';

export interface CheckItem {
  name: string;
  passed: boolean;
  value: number;
  threshold: number;
  op: CheckOp;
  tolerance?: number;
  unit: string;
  /** Where the threshold comes from: a published value (with its address) or a physical property. */
  source: string;
  /** What was measured on, in words (a caption, the photos), for the user to judge. */
  detail?: string;
}

export interface ModelCheck {
  id: string;
  task: Task;
  passed: boolean;
  checks: CheckItem[];
  ms: number;
  /** Where the model ran: ONNX Runtime's execution provider, and the manifest variant. */
  ep: string;
  variant: string;
  /** ISO time of the check. */
  at: string;
  /** Set when the model could not be opened or run: the check failed before measuring. */
  error?: string;
}

export function item(spec: Omit<CheckItem, 'passed'>): CheckItem {
  const { value, threshold, op, tolerance = 0 } = spec;
  const passed =
    Number.isFinite(value) &&
    (op === 'min'
      ? value >= threshold
      : op === 'max'
        ? value <= threshold
        : Math.abs(value - threshold) <= tolerance);
  return { ...spec, passed };
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));

/** One line per check: "PASS name value unit (≥ threshold) — source". */
export function formatItem(c: CheckItem): string {
  const rule =
    c.op === 'min'
      ? `≥ ${fmt(c.threshold)}`
      : c.op === 'max'
        ? `≤ ${fmt(c.threshold)}`
        : `${fmt(c.threshold)} ± ${fmt(c.tolerance ?? 0)}`;
  const detail = c.detail ? ` [${c.detail}]` : '';
  return `${c.passed ? 'PASS' : 'FAIL'} ${c.name}: ${fmt(c.value)} ${c.unit} (needs ${rule})${detail}`;
}

/** What a run's report keeps of a model's last check: enough to judge it, small enough for every run. */
export interface ModelCheckSummary {
  id: string;
  passed: boolean;
  at: string;
  ep: string;
  failed: string[];
  error?: string;
}

export function checkSummary(c: ModelCheck): ModelCheckSummary {
  return {
    id: c.id,
    passed: c.passed,
    at: c.at,
    ep: c.ep,
    failed: c.checks.filter((x) => !x.passed).map((x) => x.name),
    ...(c.error !== undefined && { error: c.error }),
  };
}
