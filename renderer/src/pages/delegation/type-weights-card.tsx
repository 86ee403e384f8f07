// Task types with weights of their own: what each sets (the rest follow the defaults), edit them,
// add a type, or send a type back to the defaults.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DELEGATION_COMPONENTS, type DelegationSettings } from '../../../../preload/contract';
import { Card } from '../../components/card';
import { formatWeight } from '../../lib/delegation-settings';
import { COMPONENT_LABELS } from '../../lib/explanation';
import { useMutateCall } from '../../query/call-hooks';
import { callKey } from '../../query/call-key';
import { TypeWeightsDialog } from './type-weights-dialog';
import { Notice } from '../../components/notice';

type Editing = { kind: 'add' } | { kind: 'edit'; taskType: string } | null;

export function TypeWeightsCard({ settings, canEdit }: { settings: DelegationSettings; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const types = Object.keys(settings.weights.byType).sort((a, b) => a.localeCompare(b));
  const remove = useMutateCall('delegation.setWeights', {
    onSuccess: (next, input) => {
      queryClient.setQueryData(callKey('delegation.getSettings', {}), next);
      setNotice(`${input.taskType} uses the default weights again.`);
    },
  });
  // A type removed in another session while its dialog is open: the dialog says so instead of closing under the user's hands.
  const editingType = editing?.kind === 'edit' ? editing.taskType : null;

  return (
    <Card
      title="Weights for particular task types"
      className="delegation-card"
      actions={
        canEdit && (
          <button
            type="button"
            className="btn btn--secondary btn--small"
            onClick={() => {
              setNotice(null);
              setEditing({ kind: 'add' });
            }}
          >
            Add a task type
          </button>
        )
      }
    >
      <p className="delegation-card__intro">
        A task type can weigh some points differently, e.g. success above all for a final inspection. It sets only those points; the others
        follow the default weights.
      </p>
      {notice && (
        <Notice tone="ok" text={notice} onDismiss={() => setNotice(null)} />
      )}
      {remove.error && (
        <p className="form-error" role="alert">
          Could not go back to the defaults for {remove.variables?.taskType ?? 'this type'}: {remove.error.message}
        </p>
      )}
      {types.length === 0 ? (
        <p className="muted type-weights__empty">No task type has weights of its own: every type uses the default weights.</p>
      ) : (
        <ul className="type-weights" aria-label="Task types with their own weights">
          {types.map((type) => {
            const own = settings.weights.byType[type] ?? {};
            const set = DELEGATION_COMPONENTS.filter((name) => own[name] !== undefined);
            return (
              <li key={type} className="type-weights__item" aria-label={type}>
                <div className="type-weights__main">
                  <code className="type-weights__type">{type}</code>
                  <ul className="chips" aria-label={`Own weights of ${type}`}>
                    {set.map((name) => (
                      <li key={name} className="chip">
                        {COMPONENT_LABELS[name]}
                        <span className="chip__level">{formatWeight(own[name]!)}</span>
                      </li>
                    ))}
                  </ul>
                  <span className="muted type-weights__rest">
                    {set.length === DELEGATION_COMPONENTS.length ? 'Sets every point.' : 'The rest as the defaults.'}
                  </span>
                </div>
                {canEdit && (
                  <div className="row-actions">
                    <button
                      type="button"
                      className="btn btn--secondary btn--small"
                      aria-label={`Edit weights of ${type}`}
                      onClick={() => {
                        setNotice(null);
                        setEditing({ kind: 'edit', taskType: type });
                      }}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="btn btn--ghost btn--small"
                      aria-label={`Use the default weights for ${type}`}
                      disabled={remove.isPending}
                      onClick={() => {
                        setNotice(null);
                        remove.mutate({ taskType: type, weights: null });
                      }}
                    >
                      Use defaults
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {editing && (
        <TypeWeightsDialog
          key={editingType ?? '+'}
          settings={settings}
          taskType={editingType}
          onClose={() => setEditing(null)}
          onSaved={(type) => {
            setEditing(null);
            setNotice(editing.kind === 'add' ? `${type} has weights of its own now.` : `Weights of ${type} saved.`);
          }}
        />
      )}
    </Card>
  );
}
