/**
 * Per-class policy (paper Fig. 4): for each class, one stacked bar of the learned probabilities per
 * source (real / local / transfer…). SVG with class names as text nodes, never markup.
 */
const COLOURS = ['#6b7280', '#2563eb', '#d97706', '#059669', '#9333ea'];
const ROW = 26;
const LABEL_W = 130;
const BAR_W = 320;

export function PolicyBars({
  classes,
  sources,
  probs,
}: {
  classes: string[];
  sources: string[];
  probs: number[][];
}) {
  const height = classes.length * ROW + 30;
  return (
    <figure class="policy" data-testid="policy-bars">
      <svg
        role="img"
        aria-labelledby="policy-caption"
        width={LABEL_W + BAR_W + 10}
        height={height}
        viewBox={`0 0 ${LABEL_W + BAR_W + 10} ${height}`}
      >
        <title>Policy per class</title>
        {classes.map((c, k) => {
          let x = LABEL_W;
          return (
            <g key={c} data-class={c} transform={`translate(0 ${k * ROW})`}>
              <text x={LABEL_W - 8} y={ROW / 2 + 4} text-anchor="end" class="policy-label">
                {c}
              </text>
              {sources.map((s, j) => {
                const p = probs[k]?.[j] ?? 0;
                const w = p * BAR_W;
                const rect = (
                  <rect key={s} x={x} y={4} width={w} height={ROW - 8} fill={COLOURS[j % COLOURS.length]}>
                    <title>{`${c}: ${s} ${(100 * p).toFixed(1)}%`}</title>
                  </rect>
                );
                x += w;
                return rect;
              })}
            </g>
          );
        })}
        {sources.map((s, j) => (
          <g key={s} transform={`translate(${LABEL_W + j * 100} ${classes.length * ROW + 8})`}>
            <rect width={12} height={12} fill={COLOURS[j % COLOURS.length]} />
            <text x={16} y={11} class="policy-legend">
              {s}
            </text>
          </g>
        ))}
      </svg>
      <figcaption id="policy-caption">
        Learned augmentation policy per class: probability of drawing each image source.
      </figcaption>
    </figure>
  );
}
