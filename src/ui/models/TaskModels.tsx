/** One task's bundled models, with the radio that picks which one a cache-backed run uses. */
import type { Task } from '../../models/manifest.ts';
import { ModelRow } from './ModelRow.tsx';
import { registry } from './models-state.ts';

const TASK_TEXT: Record<Task, string> = {
  captioner: 'Captioner: describes each training image',
  embedder: 'Text embedder: finds each class’s nearest classes from their names',
  img2img: 'Img2img generator: makes the candidate images from captions',
  backbone: 'Image backbone: the features the classifier trains on',
};

export function TaskModels({ task }: { task: Task }) {
  return (
    <fieldset class="task-models" data-task={task}>
      <legend>{TASK_TEXT[task]}</legend>
      {registry.byTask(task).map((m) => (
        <ModelRow key={m.id} m={m} />
      ))}
    </fieldset>
  );
}
