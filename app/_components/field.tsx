import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

const control =
  "block w-full rounded-md border bg-surface px-2.5 text-sm text-fg placeholder:text-faint shadow-xs transition-colors focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-ring disabled:opacity-60";

function controlClass(error: string | undefined, extra = ""): string {
  return `${control} ${error ? "border-fail" : "border-border-strong"} ${extra}`;
}

type FieldFrameProps = {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  className?: string;
  hideLabel?: boolean;
};

function FieldFrame({ id, label, hint, error, children, className = "", hideLabel }: FieldFrameProps) {
  return (
    <div className={`space-y-1 ${className}`}>
      <label htmlFor={id} className={hideLabel ? "sr-only" : "block text-xs font-medium text-muted"}>
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-fail" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-faint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

type Common = { label: ReactNode; hint?: ReactNode; error?: string; className?: string; hideLabel?: boolean };

export function TextField({ label, hint, error, className, hideLabel, id, ...props }: Common & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <FieldFrame id={fieldId} label={label} hint={hint} error={error} className={className} hideLabel={hideLabel}>
      <input
        id={fieldId}
        className={controlClass(error, "h-9")}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fieldId}-error` : hint ? `${fieldId}-hint` : undefined}
        {...props}
      />
    </FieldFrame>
  );
}

export function TextAreaField({ label, hint, error, className, hideLabel, id, ...props }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <FieldFrame id={fieldId} label={label} hint={hint} error={error} className={className} hideLabel={hideLabel}>
      <textarea
        id={fieldId}
        className={controlClass(error, "py-2")}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fieldId}-error` : hint ? `${fieldId}-hint` : undefined}
        {...props}
      />
    </FieldFrame>
  );
}

export function SelectField({ label, hint, error, className, hideLabel, id, children, ...props }: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <FieldFrame id={fieldId} label={label} hint={hint} error={error} className={className} hideLabel={hideLabel}>
      <select
        id={fieldId}
        className={controlClass(error, "h-9 pr-8")}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fieldId}-error` : hint ? `${fieldId}-hint` : undefined}
        {...props}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

export function CheckboxField({
  label,
  hint,
  id,
  className = "",
  ...props
}: { label: ReactNode; hint?: ReactNode; className?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <div className={`flex items-start gap-2 ${className}`}>
      <input
        id={fieldId}
        type="checkbox"
        className="mt-0.5 h-4 w-4 rounded border-border-strong accent-[var(--accent)]"
        aria-describedby={hint ? `${fieldId}-hint` : undefined}
        {...props}
      />
      <div>
        <label htmlFor={fieldId} className="text-sm text-fg">
          {label}
        </label>
        {hint ? (
          <p id={`${fieldId}-hint`} className="text-xs text-faint">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A bare input for toolbars (search boxes) with an accessible name. */
export function SearchInput({ label, className = "", ...props }: { label: string } & InputHTMLAttributes<HTMLInputElement>) {
  return <input aria-label={label} placeholder={label} className={`${controlClass(undefined, "h-8")} ${className}`} {...props} />;
}
