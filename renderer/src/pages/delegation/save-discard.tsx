// A settings card's Save and Discard buttons: Save while there are edits, Discard to drop them.
export function SaveDiscard(props: { label: string; dirty: boolean; pending: boolean; onDiscard: () => void }) {
  return (
    <>
      <button type="submit" className="btn btn--primary" disabled={!props.dirty || props.pending}>
        {props.pending ? 'Saving…' : props.label}
      </button>
      {props.dirty && (
        <button type="button" className="btn btn--ghost" onClick={props.onDiscard}>
          Discard changes
        </button>
      )}
    </>
  );
}
