import { useState } from "react";
import { useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState } from "@/components/states";
import { PublicPage } from "@/components/page";
import { useAcceptInvitation } from "@/features/invitations/api/invitations";

type Mode = "new" | "existing";

/** The invitation e-mail's link (`/accept-invitation?invitationId=…&token=…`): join the practice. */
export default function AcceptInvitationPage() {
  const { t } = useTranslation();
  const { user, signIn } = useAuth();
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [mode, setMode] = useState<Mode>("new");
  const [givenName, setGivenName] = useState("");
  const [familyName, setFamilyName] = useState("");
  const [password, setPassword] = useState("");
  const accept = useAcceptInvitation();
  const error = isApiError(accept.error) ? accept.error : null;
  const linkInvalid = !token || (error?.fieldErrors("token").length ?? 0) > 0;

  if (accept.isSuccess) {
    return (
      <PublicPage title={t("invitation.title")}>
        <Alert tone="success" title={accept.data.accountCreated ? t("invitation.accountCreated") : t("invitation.joined")} />
        <Button className="mt-4" onClick={() => void signIn("/")}>
          {user ? t("invitation.continue") : t("auth.signIn")}
        </Button>
      </PublicPage>
    );
  }
  if (linkInvalid) {
    return (
      <PublicPage title={t("invitation.title")}>
        <Alert tone="error" title={t("invitation.invalid")}>
          {t("invitation.invalidDetail")}
        </Alert>
      </PublicPage>
    );
  }
  return (
    <PublicPage title={t("invitation.title")}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (mode === "new") accept.mutate({ token, password, givenName, familyName });
          else accept.mutate({ token, password: user ? null : password, givenName: null, familyName: null });
        }}
      >
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">{t("invitation.who")}</legend>
          {(["new", "existing"] as const).map((option) => (
            <label key={option} className="flex items-center gap-2 text-sm">
              <input type="radio" name="mode" value={option} checked={mode === option} onChange={() => setMode(option)} className="accent-teal-700" />
              {t(`invitation.mode.${option}`)}
            </label>
          ))}
        </fieldset>
        {mode === "new" ? (
          <>
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField label={t("fields.givenName")} required autoComplete="given-name" value={givenName} onChange={(e) => setGivenName(e.target.value)} errors={error?.fieldErrors("givenName")} />
              <TextField label={t("fields.familyName")} required autoComplete="family-name" value={familyName} onChange={(e) => setFamilyName(e.target.value)} errors={error?.fieldErrors("familyName")} />
            </div>
            <TextField label={t("fields.password")} type="password" required autoComplete="new-password" hint={t("password.policy")} value={password} onChange={(e) => setPassword(e.target.value)} errors={error?.fieldErrors("password")} />
          </>
        ) : user ? (
          <p className="text-sm">{t("invitation.signedInAs", { email: user.profile.email ?? "" })}</p>
        ) : (
          <TextField label={t("fields.password")} type="password" required autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} errors={error?.fieldErrors("password")} />
        )}
        {error && error.kind === "conflict" && <Alert tone="info" title={t("invitation.alreadyMember")} />}
        {accept.isError && error?.kind !== "conflict" && !error?.fieldErrors("password").length && <ErrorState error={accept.error} />}
        <Button type="submit" className="w-full" busy={accept.isPending}>
          {t("invitation.accept")}
        </Button>
      </form>
    </PublicPage>
  );
}
