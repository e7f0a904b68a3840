import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { useAuth } from "@/lib/auth/auth";
import { isApiError } from "@/lib/api/errors";
import type { DocumentView } from "@/lib/documents";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { ConfirmButton } from "@/components/confirm-button";
import { CheckboxField, SelectField, TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Section } from "@/components/page";
import {
  useCreateShareLink,
  useDocumentShares,
  useRecipients,
  useRevokeShare,
  useRevokeShareLink,
  useShareDocument,
  useShareLinks,
  type Share,
  type ShareLink,
} from "@/features/documents/api/documents";

type RecipientKind = "member" | "role" | "external";

/** The end of a chosen day in the user's time zone is what "until that day" means; an empty date is no expiry. */
function endOfDay(date: string): string | null {
  return date ? new Date(`${date}T23:59:59`).toISOString() : null;
}

/** Sharing a document with people (a member, a role, another organization's user) and by expiring link. */
export function DocumentSharing({ document }: { document: DocumentView }) {
  const { t } = useTranslation();
  return (
    <>
      <Section title={t("sharing.title")} description={t("sharing.description")}>
        <ShareForm documentId={document.id} />
        <Shares documentId={document.id} />
      </Section>
      <Section title={t("sharing.linksTitle")} description={t("sharing.linksDescription")}>
        <LinkForm documentId={document.id} />
        <Links documentId={document.id} />
      </Section>
    </>
  );
}

function ShareForm({ documentId }: { documentId: string }) {
  const { t } = useTranslation();
  const { hasPermission } = useAuth();
  const { members, roles } = useRecipients(hasPermission("users:read"));
  const [kind, setKind] = useState<RecipientKind>("member");
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState("");
  const [organizationId, setOrganizationId] = useState("");
  const [until, setUntil] = useState("");
  const share = useShareDocument(documentId);
  const error = isApiError(share.error) ? share.error : null;
  const userErrors = error?.fieldErrors("recipientUserId");
  return (
    <form
      aria-label={t("sharing.share")}
      className="grid items-end gap-4 border-b border-slate-200 pb-4 sm:grid-cols-2 dark:border-slate-800"
      onSubmit={(e) => {
        e.preventDefault();
        share.mutate(
          {
            recipientUserId: kind === "role" ? null : userId.trim(),
            recipientRole: kind === "role" ? role.trim() : null,
            recipientOrganizationId: kind === "external" ? organizationId.trim() : null,
            expiresAt: endOfDay(until),
          },
          { onSuccess: () => setUntil("") },
        );
      }}
    >
      <SelectField label={t("sharing.recipientKind")} value={kind} onChange={(e) => setKind(e.target.value as RecipientKind)}>
        <option value="member">{t("sharing.kinds.member")}</option>
        <option value="role">{t("sharing.kinds.role")}</option>
        <option value="external">{t("sharing.kinds.external")}</option>
      </SelectField>
      {kind === "member" && members ? (
        <SelectField label={t("sharing.member")} required value={userId} onChange={(e) => setUserId(e.target.value)} errors={userErrors}>
          <option value="">{t("sharing.choose")}</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {[m.givenName, m.familyName].filter(Boolean).join(" ") || m.email} ({m.email})
            </option>
          ))}
        </SelectField>
      ) : kind === "role" && roles ? (
        <SelectField label={t("sharing.role")} required value={role} onChange={(e) => setRole(e.target.value)} errors={error?.fieldErrors("recipientRole")}>
          <option value="">{t("sharing.choose")}</option>
          {roles.map((r) => (
            <option key={r.id} value={r.name}>
              {r.name}
            </option>
          ))}
        </SelectField>
      ) : kind === "role" ? (
        <TextField label={t("sharing.role")} required value={role} onChange={(e) => setRole(e.target.value)} errors={error?.fieldErrors("recipientRole")} />
      ) : (
        <TextField label={t("sharing.userId")} hint={t("sharing.userIdHint")} required autoComplete="off" value={userId} onChange={(e) => setUserId(e.target.value)} errors={userErrors} />
      )}
      {kind === "external" && (
        <TextField
          label={t("sharing.organizationId")}
          required
          autoComplete="off"
          value={organizationId}
          onChange={(e) => setOrganizationId(e.target.value)}
          errors={error?.fieldErrors("recipientOrganizationId")}
        />
      )}
      <TextField label={t("sharing.until")} hint={t("sharing.untilHint")} type="date" value={until} onChange={(e) => setUntil(e.target.value)} errors={error?.fieldErrors("expiresAt")} />
      <div>
        <Button type="submit" busy={share.isPending}>
          {t("sharing.share")}
        </Button>
      </div>
      {share.isSuccess && <Alert tone="success" className="sm:col-span-2" title={t("sharing.shared")} />}
      {share.isError && !error?.hasFieldErrors && (
        <div className="sm:col-span-2">
          <ErrorState error={share.error} />
        </div>
      )}
    </form>
  );
}

function Shares({ documentId }: { documentId: string }) {
  const { t } = useTranslation();
  const shares = useDocumentShares(documentId);
  const revoke = useRevokeShare(documentId);
  if (shares.isPending) return <LoadingState />;
  if (shares.isError) return <ErrorState error={shares.error} onRetry={() => void shares.refetch()} />;
  if (shares.data.items.length === 0) return <p className="text-sm">{t("sharing.none")}</p>;
  return (
    <>
      {revoke.isError && <ErrorState error={revoke.error} />}
      <ul aria-label={t("sharing.list")} className="divide-y divide-slate-200 dark:divide-slate-800">
        {shares.data.items.map((share) => (
          <ShareRow key={share.id} share={share} revoking={revoke.isPending && revoke.variables === share.id} onRevoke={() => revoke.mutate(share.id)} />
        ))}
      </ul>
    </>
  );
}

function ShareRow({ share, revoking, onRevoke }: { share: Share; revoking: boolean; onRevoke: () => void }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const { members } = useRecipients(false);
  const member = members?.find((m) => m.userId === share.recipientUserId);
  const recipient = share.recipientRole
    ? t("sharing.toRole", { role: share.recipientRole })
    : share.organizationId !== share.recipientOrganizationId
      ? t("sharing.toExternal", { user: share.recipientUserId ?? "", organization: share.recipientOrganizationId })
      : t("sharing.toMember", { user: member?.email ?? share.recipientUserId ?? "" });
  const state = share.revokedAt
    ? t("sharing.revokedOn", { date: format.dateTime(share.revokedAt) })
    : !share.active
      ? t("sharing.expired")
      : share.expiresAt
        ? t("sharing.activeUntil", { date: format.dateTime(share.expiresAt) })
        : t("sharing.activeNoEnd");
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
      <div className="min-w-0">
        <p className="font-medium break-all">{recipient}</p>
        <p className="text-slate-600 dark:text-slate-400">{state}</p>
      </div>
      {share.active && (
        <ConfirmButton busy={revoking} onConfirm={onRevoke} confirmLabel={t("sharing.confirmRevoke")} aria-label={`${t("sharing.revoke")}: ${recipient}`}>
          {t("sharing.revoke")}
        </ConfirmButton>
      )}
    </li>
  );
}

/** The address a link opens: the token after "#", so it never reaches a server log. */
const linkAddress = (token: string) => `${window.location.origin}/shared#${token}`;

function LinkForm({ documentId }: { documentId: string }) {
  const { t } = useTranslation();
  const [days, setDays] = useState("7");
  const [oneTime, setOneTime] = useState(false);
  const [accessCode, setAccessCode] = useState("");
  const create = useCreateShareLink(documentId);
  const error = isApiError(create.error) ? create.error : null;
  return (
    <form
      aria-label={t("sharing.makeLink")}
      className="grid items-end gap-4 border-b border-slate-200 pb-4 sm:grid-cols-2 dark:border-slate-800"
      onSubmit={(e) => {
        e.preventDefault();
        const expiresAt = new Date(Date.now() + Number(days) * 24 * 3600 * 1000).toISOString();
        create.mutate({ expiresAt, oneTime, accessCode }, { onSuccess: () => setAccessCode("") });
      }}
    >
      <TextField label={t("sharing.days")} type="number" min={1} max={30} required value={days} onChange={(e) => setDays(e.target.value)} errors={error?.fieldErrors("expiresAt")} />
      <TextField
        label={t("sharing.accessCode")}
        hint={t("sharing.accessCodeHint")}
        autoComplete="off"
        value={accessCode}
        onChange={(e) => setAccessCode(e.target.value)}
        errors={error?.fieldErrors("accessCode")}
      />
      <CheckboxField label={t("sharing.oneTime")} checked={oneTime} onChange={(e) => setOneTime(e.target.checked)} />
      <div>
        <Button type="submit" busy={create.isPending}>
          {t("sharing.makeLink")}
        </Button>
      </div>
      {create.isSuccess && (
        <div className="sm:col-span-2">
          <Alert tone="success" title={t("sharing.linkMade")}>
            <TextField label={t("sharing.linkAddress")} readOnly value={linkAddress(create.data.token)} onFocus={(e) => e.target.select()} />
          </Alert>
        </div>
      )}
      {create.isError && !error?.hasFieldErrors && (
        <div className="sm:col-span-2">
          <ErrorState error={create.error} />
        </div>
      )}
    </form>
  );
}

function Links({ documentId }: { documentId: string }) {
  const { t } = useTranslation();
  const links = useShareLinks(documentId);
  const revoke = useRevokeShareLink(documentId);
  if (links.isPending) return <LoadingState />;
  if (links.isError) return <ErrorState error={links.error} onRetry={() => void links.refetch()} />;
  if (links.data.items.length === 0) return <p className="text-sm">{t("sharing.noLinks")}</p>;
  return (
    <>
      {revoke.isError && <ErrorState error={revoke.error} />}
      <ul aria-label={t("sharing.linkList")} className="divide-y divide-slate-200 dark:divide-slate-800">
        {links.data.items.map((link) => (
          <LinkRow key={link.id} link={link} revoking={revoke.isPending && revoke.variables === link.id} onRevoke={() => revoke.mutate(link.id)} />
        ))}
      </ul>
    </>
  );
}

function LinkRow({ link, revoking, onRevoke }: { link: ShareLink; revoking: boolean; onRevoke: () => void }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const name = t("sharing.linkMadeOn", { date: format.dateTime(link.createdAt) });
  const state = link.revokedAt
    ? t("sharing.revokedOn", { date: format.dateTime(link.revokedAt) })
    : link.usedAt
      ? t("sharing.usedOn", { date: format.dateTime(link.usedAt) })
      : !link.active
        ? t("sharing.expired")
        : t("sharing.activeUntil", { date: format.dateTime(link.expiresAt) });
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
      <div className="min-w-0">
        <p className="font-medium">{name}</p>
        <p className="text-slate-600 dark:text-slate-400">
          {[state, link.oneTime ? t("sharing.oneTimeShort") : null, link.hasAccessCode ? t("sharing.withCode") : null].filter(Boolean).join(" · ")}
        </p>
      </div>
      {link.active && (
        <ConfirmButton busy={revoking} onConfirm={onRevoke} confirmLabel={t("sharing.confirmRevoke")} aria-label={`${t("sharing.revoke")}: ${name}`}>
          {t("sharing.revoke")}
        </ConfirmButton>
      )}
    </li>
  );
}
