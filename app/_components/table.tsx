import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

export function Table({ children, label }: { children: ReactNode; label: string }) {
  return (
    // Focusable so a keyboard can scroll a table wider than the screen; relative so visually hidden (absolute) labels
    // inside scroll with it instead of widening the page.
    <div className="relative overflow-x-auto rounded-lg border border-border bg-surface" tabIndex={0} role="region" aria-label={label}>
      <table className="w-full border-collapse text-sm" aria-label={label}>
        {children}
      </table>
    </div>
  );
}

export function Th({ children, className = "", ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th scope="col" className={`border-b border-border bg-surface-2/60 px-3 py-2 text-left text-xs font-medium text-muted ${className}`} {...props}>
      {children}
    </th>
  );
}

export function Td({ children, className = "", ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td className={`border-b border-border px-3 py-2 align-middle text-fg [tr:last-child_&]:border-b-0 ${className}`} {...props}>
      {children}
    </td>
  );
}

export function Tr({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <tr className={`hover:bg-surface-2/50 ${className}`}>{children}</tr>;
}
