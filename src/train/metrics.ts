/** Evaluation metrics from predictions: top-1, mean per-class accuracy, per-class accuracy, confusion. */

export interface Metrics {
  top1: number;
  meanClassAcc: number;
  /** NaN-free: a class with no test sample gets null. */
  perClass: (number | null)[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  count: number;
}

export function computeMetrics(labels: ArrayLike<number>, preds: ArrayLike<number>, C: number): Metrics {
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const p = preds[i];
    if (p >= 0 && p < C) confusion[y][p]++;
    if (p === y) correct++;
  }
  const perClass = confusion.map((row, c) => {
    const n = row.reduce((a, b) => a + b, 0) + countInvalid(labels, preds, c, C);
    return n ? row[c] / n : null;
  });
  const present = perClass.filter((v): v is number => v !== null);
  return {
    top1: labels.length ? correct / labels.length : 0,
    meanClassAcc: present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0,
    perClass,
    confusion,
    count: labels.length,
  };
}

/** Predictions outside [0, C) (e.g. NaN logits) still count as test samples of their class. */
function countInvalid(labels: ArrayLike<number>, preds: ArrayLike<number>, c: number, C: number): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === c && !(preds[i] >= 0 && preds[i] < C)) n++;
  return n;
}
