import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { cn } from "@/lib/cn";

const control =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm " +
  "focus:border-teal-600 focus:outline-2 focus:outline-teal-600 aria-[invalid=true]:border-red-600 " +
  "dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100";

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[] | undefined;
}

function useFieldIds(errors: string[] | undefined, hint: ReactNode) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors && errors.length > 0 ? `${id}-error` : undefined;
  return { id, hintId, errorId, describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined };
}

function FieldFrame({ id, label, hint, hintId, errors, errorId, children }: FieldProps & { id: string; hintId?: string | undefined; errorId?: string | undefined; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      {children}
      {hint && (
        <p id={hintId} className="text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      )}
      {errorId && (
        <ul id={errorId} className="text-sm text-red-700 dark:text-red-400">
          {errors?.map((error) => <li key={error}>{error}</li>)}
        </ul>
      )}
    </div>
  );
}

export function TextField({ label, hint, errors, className, ...props }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const ids = useFieldIds(errors, hint);
  return (
    <FieldFrame id={ids.id} label={label} hint={hint} hintId={ids.hintId} errors={errors} errorId={ids.errorId}>
      <input id={ids.id} className={cn(control, className)} aria-invalid={ids.errorId ? true : undefined} aria-describedby={ids.describedBy} {...props} />
    </FieldFrame>
  );
}

export function TextAreaField({ label, hint, errors, className, ...props }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const ids = useFieldIds(errors, hint);
  return (
    <FieldFrame id={ids.id} label={label} hint={hint} hintId={ids.hintId} errors={errors} errorId={ids.errorId}>
      <textarea id={ids.id} className={cn(control, "font-mono", className)} aria-invalid={ids.errorId ? true : undefined} aria-describedby={ids.describedBy} {...props} />
    </FieldFrame>
  );
}

export function SelectField({ label, hint, errors, className, children, ...props }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const ids = useFieldIds(errors, hint);
  return (
    <FieldFrame id={ids.id} label={label} hint={hint} hintId={ids.hintId} errors={errors} errorId={ids.errorId}>
      <select id={ids.id} className={cn(control, className)} aria-invalid={ids.errorId ? true : undefined} aria-describedby={ids.describedBy} {...props}>
        {children}
      </select>
    </FieldFrame>
  );
}

export function CheckboxField({ label, className, ...props }: { label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={cn("flex items-center gap-2", className)}>
      <input id={id} type="checkbox" className="size-4 rounded border-slate-400 accent-teal-700" {...props} />
      <label htmlFor={id} className="text-sm text-slate-800 dark:text-slate-200">
        {label}
      </label>
    </div>
  );
}
