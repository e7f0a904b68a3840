import { useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/lib/api/errors";
import { useAuth } from "@/lib/auth/auth";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState } from "@/components/states";
import { useBeginTotp, useConfirmTotp } from "@/features/account/api/account";
import { RecoveryCodes } from "@/features/account/components/recovery-codes";

/** TOTP enrolment: the QR code (and the key to type by hand), a first code to confirm, then the recovery codes. */
export function TotpEnrolment({ onAlreadyOn }: { onAlreadyOn: () => void }) {
  const { t } = useTranslation();
  const { signOut } = useAuth();
  const begin = useBeginTotp();
  const confirm = useConfirmTotp();
  const [code, setCode] = useState("");

  if (confirm.isSuccess) {
    return (
      <div className="space-y-4">
        <Alert tone="success" title={t("security.totpOn")}>
          {t("security.signInAgainForMfa")}
        </Alert>
        <RecoveryCodes codes={confirm.data.codes} />
        <Button variant="secondary" onClick={() => void signOut()}>
          {t("auth.signOut")}
        </Button>
      </div>
    );
  }
  if (!begin.data) {
    return (
      <div className="space-y-3">
        {isApiError(begin.error) && begin.error.kind === "conflict" ? (
          <Alert tone="info" title={t("security.totpAlreadyOn")} />
        ) : (
          begin.isError && <ErrorState error={begin.error} />
        )}
        <Button
          busy={begin.isPending}
          onClick={() =>
            begin.mutate(undefined, {
              onError: (error) => {
                if (isApiError(error) && error.kind === "conflict") onAlreadyOn();
              },
            })
          }
        >
          {t("security.totpBegin")}
        </Button>
      </div>
    );
  }
  const codeErrors = isApiError(confirm.error) ? confirm.error.fieldErrors("code") : [];
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        confirm.mutate(code.replace(/\s/g, ""));
      }}
    >
      <ol className="list-decimal space-y-2 pl-5 text-sm">
        <li>{t("security.totpStep1")}</li>
        <li>{t("security.totpStep2")}</li>
      </ol>
      <img src={`data:image/png;base64,${begin.data.qrCodePng}`} alt={t("security.qrAlt")} className="size-48 rounded bg-white p-2" />
      <p className="text-sm">
        {t("security.totpManual")} <code data-testid="totp-secret" className="rounded bg-slate-100 px-1 font-mono break-all dark:bg-slate-800">{begin.data.secret}</code>
      </p>
      <TextField label={t("security.totpCode")} inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} errors={codeErrors.length ? codeErrors : undefined} />
      {confirm.isError && codeErrors.length === 0 && <ErrorState error={confirm.error} />}
      <Button type="submit" busy={confirm.isPending}>
        {t("security.totpConfirm")}
      </Button>
    </form>
  );
}
