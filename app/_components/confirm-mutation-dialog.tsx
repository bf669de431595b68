import type { ReactNode } from "react";
import { ConfirmDialog } from "./dialog";

/**
 * A destructive confirmation for one chosen row: open while `target` is set, runs `onConfirm(target)`,
 * shows the mutation's progress and error, and clears that error when dismissed.
 */
export function ConfirmMutationDialog<T>({
  target,
  onClose,
  onConfirm,
  mutation,
  title,
  confirmLabel,
  children,
}: {
  target: T | null;
  onClose: () => void;
  onConfirm: (target: T) => void;
  mutation: { reset: () => void; isPending: boolean; error: unknown };
  title: string;
  confirmLabel: string;
  children?: ReactNode;
}) {
  return (
    <ConfirmDialog
      open={target !== null}
      onClose={() => {
        mutation.reset();
        onClose();
      }}
      onConfirm={() => {
        if (target !== null) onConfirm(target);
      }}
      title={title}
      confirmLabel={confirmLabel}
      danger
      pending={mutation.isPending}
      error={mutation.error}
    >
      {children}
    </ConfirmDialog>
  );
}
