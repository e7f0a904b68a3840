import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { useChangePassword, useDisableTotp, useRegenerateRecoveryCodes } from "@/features/account/api/account";
import { TotpEnrolment } from "@/features/account/components/totp-enrolment";
import { RecoveryCodes } from "@/features/account/components/recovery-codes";

/** Password and two-factor authentication. */
export default function SecurityPage() {
  const { t } = useTranslation();
  const { claims } = useAuth();
  // This session signed in with a second factor, or enrolment answered that TOTP is already on.
  const [totpOn, setTotpOn] = useState(() => claims?.amr.includes("mfa") ?? false);
  return (
    <Page title={t("security.title")} description={t("security.description")}>
      <Section title={t("security.mfa")} description={t("security.mfaDescription")}>
        {totpOn ? <TotpManagement /> : <TotpEnrolment onAlreadyOn={() => setTotpOn(true)} />}
      </Section>
      <Section title={t("security.changePassword")} description={t("security.changePasswordDescription")}>
        <ChangePassword />
      </Section>
    </Page>
  );
}

function TotpManagement() {
  const { t } = useTranslation();
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const regenerate = useRegenerateRecoveryCodes();
  const disable = useDisableTotp();
  const codeErrors = (error: unknown) => (isApiError(error) ? error.fieldErrors("code") : []);
  if (disable.isSuccess) return <Alert tone="success" title={t("security.totpOff")} />;
  return (
    <div className="space-y-4">
      <Alert tone="success" title={t("security.totpOn")} />
      {regenerate.data && <RecoveryCodes codes={regenerate.data.codes} />}
      <TextField label={t("security.totpCode")} inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} errors={[...codeErrors(regenerate.error), ...codeErrors(disable.error)]} />
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" busy={regenerate.isPending} onClick={() => regenerate.mutate(code)}>
          {t("security.newRecoveryCodes")}
        </Button>
      </div>
      <TextField label={t("fields.currentPassword")} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} errors={isApiError(disable.error) ? disable.error.fieldErrors("password") : undefined} />
      <Button variant="danger" busy={disable.isPending} onClick={() => disable.mutate({ password, code })}>
        {t("security.totpDisable")}
      </Button>
      {[regenerate.error, disable.error].map((error, i) => error && (!isApiError(error) || error.kind !== "validation") ? <ErrorState key={i} error={error} /> : null)}
    </div>
  );
}

function ChangePassword() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useChangePassword();
  const error = isApiError(change.error) ? change.error : null;
  return (
    <form
      className="max-w-md space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate({ currentPassword: current, newPassword: next }, { onSuccess: () => { setCurrent(""); setNext(""); } });
      }}
    >
      <TextField label={t("fields.currentPassword")} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} errors={error?.fieldErrors("currentPassword")} />
      <TextField label={t("fields.newPassword")} type="password" autoComplete="new-password" required hint={t("password.policy")} value={next} onChange={(e) => setNext(e.target.value)} errors={error?.fieldErrors("newPassword")} />
      {change.isSuccess && <Alert tone="success" title={t("security.passwordChanged")} />}
      {change.isError && error?.kind !== "validation" && <ErrorState error={change.error} />}
      <Button type="submit" busy={change.isPending}>
        {t("security.changePassword")}
      </Button>
    </form>
  );
}
