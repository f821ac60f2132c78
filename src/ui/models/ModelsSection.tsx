/**
 * The Models screen: which models the next run uses (fixtures by default, downloaded models, or a
 * local folder), the bundled manifests per task with their cache state, downloads and clearing.
 */
import { useEffect } from 'preact/hooks';
import { CacheModels } from './CacheModels.tsx';
import { LocalFolder } from './LocalFolder.tsx';
import { refresh } from './models-state.ts';
import { RunChoice } from './RunChoice.tsx';
import './models.css';

export function ModelsSection() {
  useEffect(() => {
    void refresh();
  }, []);
  return (
    <>
      <RunChoice />
      <CacheModels />
      <LocalFolder />
    </>
  );
}
