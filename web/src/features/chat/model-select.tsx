import { Select } from '../../ui/field.tsx';
import { useWorkspace } from '../workspace/workspace-context.tsx';

/** Chooses the model of the next message (and of the conversation). */
export function ModelSelect({ disabled }: { disabled?: boolean }) {
  const { models, model, setModel } = useWorkspace();
  const ids = models.some((m) => m.id === model) ? models.map((m) => m.id) : [model, ...models.map((m) => m.id)];
  return (
    <Select aria-label="Model" data-testid="model-select" className="h-8 w-auto max-w-48 text-xs" value={model} disabled={disabled} onChange={(e) => setModel(e.target.value)}>
      {ids.map((id) => (
        <option key={id} value={id}>
          {id}
        </option>
      ))}
    </Select>
  );
}
