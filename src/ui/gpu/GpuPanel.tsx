/**
 * "Your GPU": probes once on mount and reports what will and will not work here. Carries
 * data-testid="capabilities-ready" once probing has finished (whatever the outcome), for the e2e tests.
 */
import { useEffect, useState } from 'preact/hooks';
import { type Environment, probeEnvironment } from '../environment.ts';
import { AdapterSummary } from './AdapterSummary.tsx';
import { FeatureList } from './FeatureList.tsx';
import { LimitsTable } from './LimitsTable.tsx';
import { Notices } from './Notices.tsx';
import { RuntimeFacts } from './RuntimeFacts.tsx';
import { verdict } from './verdict.ts';

export function GpuPanel() {
  const [env, setEnv] = useState<Environment | undefined>(undefined);
  useEffect(() => {
    let live = true;
    probeEnvironment().then((e) => live && setEnv(e));
    return () => {
      live = false;
    };
  }, []);

  return (
    <section
      class="panel"
      id="gpu"
      aria-labelledby="gpu-heading"
      aria-busy={env ? 'false' : 'true'}
      data-testid={env ? 'capabilities-ready' : 'capabilities-probing'}
    >
      <h2 id="gpu-heading">Your GPU</h2>
      {env ? <Report env={env} /> : <p class="probing">Asking the browser for a WebGPU adapter…</p>}
    </section>
  );
}

function Report({ env }: { env: Environment }) {
  const c = env.capabilities;
  const v = verdict(c);
  return (
    <>
      <p class={`verdict verdict-${v.tone}`} role="status">
        {v.title}
      </p>
      <AdapterSummary capabilities={c} />
      <Notices problems={c.problems} warnings={c.warnings} />
      {c.webgpu && (
        <div class="grid">
          <div>
            <h3>Features</h3>
            <FeatureList features={c.features} />
          </div>
          <div>
            <h3>Browser</h3>
            <RuntimeFacts isolated={env.isolated} storage={env.storage} />
          </div>
        </div>
      )}
      {c.webgpu && (
        <>
          <h3>Limits</h3>
          <LimitsTable limits={c.limits} />
        </>
      )}
      {!c.webgpu && (
        <>
          <h3>Browser</h3>
          <RuntimeFacts isolated={env.isolated} storage={env.storage} />
        </>
      )}
    </>
  );
}
