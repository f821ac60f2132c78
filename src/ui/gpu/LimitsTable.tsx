/** The adapter's limits against what AutoGenDA needs (NEEDED_LIMITS), then a few for reference. */
import { NEEDED_LIMITS } from '../../gpu/capabilities.ts';
import { formatLimit } from '../format.ts';

export function LimitsTable({ limits }: { limits: Readonly<Record<string, number>> }) {
  const informational = Object.keys(limits).filter((k) => !(k in NEEDED_LIMITS));
  return (
    <table class="limits">
      <caption class="sr-only">WebGPU limits: this GPU versus what AutoGenDA needs</caption>
      <thead>
        <tr>
          <th scope="col">Limit</th>
          <th scope="col" class="num">
            This GPU
          </th>
          <th scope="col" class="num">
            Needed
          </th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(NEEDED_LIMITS).map(([name, { need, why }]) => {
          const have = limits[name];
          const ok = have >= need;
          return (
            <tr key={name} class={ok ? 'ok' : 'bad'}>
              <th scope="row">
                <code>{name}</code>
              </th>
              <td class="num">
                <span class="mark" aria-hidden="true">
                  {ok ? '✓' : '✗'}
                </span>{' '}
                {have === undefined || Number.isNaN(have) ? 'unknown' : formatLimit(name, have)}
                <span class="sr-only">{ok ? ' (enough)' : ' (too low)'}</span>
              </td>
              <td class="num">{formatLimit(name, need)}</td>
              <td class="why">{why}</td>
            </tr>
          );
        })}
        {informational.map((name) => (
          <tr key={name} class="info">
            <th scope="row">
              <code>{name}</code>
            </th>
            <td class="num">{formatLimit(name, limits[name])}</td>
            <td class="num muted">—</td>
            <td class="why muted">for reference</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
