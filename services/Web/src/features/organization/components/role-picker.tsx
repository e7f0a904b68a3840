import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { Role } from "@/features/organization/api/organization";

/** Checkboxes of the organization's roles (built-in and custom). */
export function RolePicker({ roles, selected, onChange, legend }: { roles: Role[]; selected: string[]; onChange: (ids: string[]) => void; legend: string }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset>
      <legend className="text-sm font-medium">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {roles.map((role) => (
          <label key={role.id} htmlFor={`${id}-${role.id}`} className="flex items-center gap-1.5 text-sm">
            <input
              id={`${id}-${role.id}`}
              type="checkbox"
              className="size-4 accent-teal-700"
              checked={selected.includes(role.id)}
              onChange={(e) => onChange(e.target.checked ? [...selected, role.id] : selected.filter((r) => r !== role.id))}
            />
            {role.name}
            {role.builtIn && <span className="text-xs text-slate-500 dark:text-slate-400">({t("roles.builtIn")})</span>}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
