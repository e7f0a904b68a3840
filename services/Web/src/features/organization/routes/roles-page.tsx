import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { isApiError } from "@/lib/api/errors";
import { Button } from "@/components/button";
import { ConfirmButton } from "@/components/confirm-button";
import { TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { useDraft } from "@/hooks/use-draft";
import { useCreateRole, useDeleteRole, usePermissionCatalogue, useRoles, useUpdateRole, type Role } from "@/features/organization/api/organization";

type Permission = { name: string; description: string };

export default function RolesPage() {
  const { t } = useTranslation();
  const { hasPermission } = useAuth();
  const roles = useRoles();
  const catalogue = usePermissionCatalogue();
  const canManage = hasPermission("roles:manage");
  if (roles.isPending || catalogue.isPending) return <LoadingState />;
  if (roles.isError) return <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />;
  if (catalogue.isError) return <ErrorState error={catalogue.error} onRetry={() => void catalogue.refetch()} />;
  return (
    <Page title={t("roles.title")} description={t("roles.description")}>
      {canManage && (
        <Section title={t("roles.create")}>
          <RoleForm catalogue={catalogue.data} />
        </Section>
      )}
      <ul className="space-y-4">
        {roles.data.map((role) => (
          <RoleItem key={role.id} role={role} catalogue={catalogue.data} canManage={canManage && !role.builtIn} />
        ))}
      </ul>
    </Page>
  );
}

function RoleItem({ role, catalogue, canManage }: { role: Role; catalogue: Permission[]; canManage: boolean }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const remove = useDeleteRole();
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="font-semibold">
            {role.name} {role.builtIn && <span className="text-xs font-normal text-slate-600 dark:text-slate-400">({t("roles.builtIn")})</span>}
          </h2>
          <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{role.permissions.join(", ")}</p>
        </div>
        {canManage && (
          <div className="flex gap-2">
            <Button variant="secondary" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              {t("common.edit")}
              <span className="sr-only">: {role.name}</span>
            </Button>
            <ConfirmButton busy={remove.isPending} onConfirm={() => remove.mutate(role.id)}>
              {t("common.delete")}
              <span className="sr-only">: {role.name}</span>
            </ConfirmButton>
          </div>
        )}
      </div>
      {remove.isError && <ErrorState error={remove.error} />}
      {editing && (
        <div className="mt-4">
          <RoleForm catalogue={catalogue} role={role} onDone={() => setEditing(false)} />
        </div>
      )}
    </li>
  );
}

function RoleForm({ catalogue, role, onDone }: { catalogue: Permission[]; role?: Role; onDone?: () => void }) {
  const { t } = useTranslation();
  const { hasPermission } = useAuth();
  const id = useId();
  const [form, update, clearDraft] = useDraft(`role.${role?.id ?? "new"}`, { name: role?.name ?? "", permissions: role?.permissions ?? [] });
  const create = useCreateRole();
  const change = useUpdateRole();
  const mutation = role ? change : create;
  const error = isApiError(mutation.error) ? mutation.error : null;
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const done = () => {
          clearDraft();
          if (!role) update({ name: "", permissions: [] });
          onDone?.();
        };
        if (role) change.mutate({ roleId: role.id, ...form }, { onSuccess: done });
        else create.mutate(form, { onSuccess: done });
      }}
    >
      <div className="max-w-sm">
        <TextField label={t("roles.name")} required value={form.name} onChange={(e) => update({ name: e.target.value })} errors={error?.fieldErrors("name")} />
      </div>
      <fieldset>
        <legend className="text-sm font-medium">{t("roles.permissions")}</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {catalogue.map((permission) => (
            <label key={permission.name} htmlFor={`${id}-${permission.name}`} className="flex items-start gap-2 text-sm">
              <input
                id={`${id}-${permission.name}`}
                type="checkbox"
                className="mt-0.5 size-4 accent-teal-700"
                // Only permissions the administrator holds can be given (Identity refuses the others).
                disabled={!hasPermission(permission.name)}
                checked={form.permissions.includes(permission.name)}
                onChange={(e) => update({ permissions: e.target.checked ? [...form.permissions, permission.name] : form.permissions.filter((p) => p !== permission.name) })}
              />
              <span>
                <code className="font-mono">{permission.name}</code> <span className="text-slate-600 dark:text-slate-400">{permission.description}</span>
              </span>
            </label>
          ))}
        </div>
        {error?.fieldErrors("permissions").map((message) => (
          <p key={message} className="mt-1 text-sm text-red-700 dark:text-red-400">
            {message}
          </p>
        ))}
      </fieldset>
      {mutation.isError && error?.kind !== "validation" && <ErrorState error={mutation.error} />}
      <Button type="submit" busy={mutation.isPending}>
        {role ? t("common.save") : t("roles.createSubmit")}
      </Button>
    </form>
  );
}
