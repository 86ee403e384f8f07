// After a refused save: focus the form's first field marked invalid and bring it to the middle of
// the screen (the message beside the button says how many need fixing). `refused` counts refusals,
// so each new one moves focus again.
import { useEffect, type RefObject } from 'react';

export function useFocusFirstInvalid(formRef: RefObject<HTMLElement | null>, refused: number): void {
  useEffect(() => {
    if (refused === 0) return;
    const field = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!field) return;
    field.focus({ preventScroll: true });
    field.scrollIntoView({ block: 'center' });
  }, [formRef, refused]);
}
