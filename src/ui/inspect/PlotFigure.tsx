/**
 * One Inspect figure: a heading and description (the figure's accessible name and description), the
 * controls, the Observable Plot element mounted into a div (replaced when `make` changes, removed on
 * unmount), and the same numbers as a table under "Show the numbers".
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** Plot's class for every Inspect plot (inspect.css themes it; Plot scopes its own styles to it). */
export const PLOT_CLASS = 'inspect-plot';

/** Tableau 10 (Plot's default categorical scheme), so a source keeps its colour in every figure. */
const PALETTE = [
  '#4e79a7',
  '#f28e2c',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc949',
  '#af7aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ab',
];

/** A colour scale over `shown` whose colours come from each name's place in `all`. */
export function stableColours(shown: readonly string[], all: readonly string[]) {
  return {
    domain: [...shown],
    range: shown.map((s) => PALETTE[Math.max(0, all.indexOf(s)) % PALETTE.length]),
  };
}

export function PlotFigure({
  id,
  title,
  description,
  controls,
  make,
  empty,
  numbers,
  plumbing,
}: {
  id: string;
  title: string;
  description: ComponentChildren;
  controls?: ComponentChildren;
  /** Builds the plot; memoise it, the plot is rebuilt whenever it changes. */
  make: (() => Element) | undefined;
  /** Shown instead of the plot (and its numbers) when `make` is undefined. */
  empty?: ComponentChildren;
  numbers: ComponentChildren;
  plumbing: boolean;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const div = host.current;
    if (!div || !make) return;
    const el = make();
    div.replaceChildren(el);
    return () => el.remove();
  }, [make]);
  return (
    <figure
      class="inspect-figure"
      data-testid={id}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
    >
      <figcaption>
        <h3 id={`${id}-title`} class="figure-title">
          {title}
        </h3>
        <p id={`${id}-desc`} class="figure-desc">
          {description}
          {plumbing && <strong class="plumbing-note"> Fixture models: these numbers mean nothing.</strong>}
        </p>
      </figcaption>
      {controls && <div class="figure-controls">{controls}</div>}
      {make ? (
        <>
          <div class="plot-host" ref={host} />
          <details class="numbers">
            <summary>Show the numbers</summary>
            {numbers}
          </details>
        </>
      ) : (
        <p class="figure-empty" data-testid={`${id}-empty`}>
          {empty}
        </p>
      )}
    </figure>
  );
}

/** A labelled <select> over string values (every option label rendered as text). */
export function Choice({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <label class="choice" for={id}>
      <span>{label}</span>
      <select
        id={id}
        data-testid={id}
        value={value}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
