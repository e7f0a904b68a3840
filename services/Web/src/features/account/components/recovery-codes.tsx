import { useTranslation } from "react-i18next";
import { Alert } from "@/components/alert";

/** Recovery codes, shown once: the user keeps them somewhere safe. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  return (
    <Alert tone="warning" title={t("security.recoveryCodesTitle")}>
      <p>{t("security.recoveryCodesDetail")}</p>
      <ul aria-label={t("security.recoveryCodesTitle")} className="mt-3 grid grid-cols-2 gap-1 font-mono text-sm sm:grid-cols-5">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
    </Alert>
  );
}
