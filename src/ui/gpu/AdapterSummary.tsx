/** Which GPU the browser offered. Adapter strings come from the driver: rendered as text only. */
import { adapterLabel, type Capabilities } from '../../gpu/capabilities.ts';

export function AdapterSummary({ capabilities }: { capabilities: Capabilities }) {
  const a = capabilities.adapter;
  // The badge says "software"; the label's own "(software)" suffix would repeat it.
  const name = a
    ? adapterLabel({ ...capabilities, adapter: { ...a, fallback: false } })
    : 'No WebGPU adapter';
  return (
    <div class="adapter">
      <div class="adapter-name">
        <span data-testid="adapter">{name}</span>
        {a?.fallback && <span class="badge badge-warn">software adapter</span>}
      </div>
      {a && (
        <dl class="facts">
          <Fact label="Vendor" value={a.vendor} />
          <Fact label="Architecture" value={a.architecture} />
          <Fact label="Device" value={a.device} />
        </dl>
      )}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value || <span class="muted">not reported</span>}</dd>
    </div>
  );
}
