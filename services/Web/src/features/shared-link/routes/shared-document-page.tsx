import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { PublicPage } from "@/components/page";
import { useDownloadSharedDocument, useOpenSharedDocument } from "@/features/shared-link/api/shared-link";

/**
 * A document shared by link, for someone without an account: the token is after "#" in the address (the browser never
 * sends it to a server), the access code is asked when the link has one, and the file is downloaded through the link.
 */
export default function SharedDocumentPage() {
  const { t } = useTranslation();
  const { format } = useSettings();
  const [token] = useState(() => window.location.hash.slice(1));
  const [accessCode, setAccessCode] = useState("");
  const open = useOpenSharedDocument();
  const download = useDownloadSharedDocument();
  const { mutate } = open;
  useEffect(() => {
    if (token) mutate({ token, accessCode: "" });
  }, [token, mutate]);

  if (!token) {
    return (
      <PublicPage title={t("sharedLink.title")}>
        <Alert tone="error" title={t("sharedLink.noToken")} />
      </PublicPage>
    );
  }
  const status = isApiError(open.error) ? open.error.status : null;
  const needsCode = status === 401 || status === 403;
  return (
    <PublicPage title={open.data?.title ?? t("sharedLink.title")}>
      {open.isPending && !needsCode && <LoadingState />}
      {status === 410 ? (
        <Alert tone="error" title={t("sharedLink.closed")} />
      ) : status === 404 ? (
        <Alert tone="error" title={t("sharedLink.unknown")} />
      ) : needsCode ? (
        <form
          aria-label={t("sharedLink.codeForm")}
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            open.mutate({ token, accessCode });
          }}
        >
          <p className="text-sm">{t("sharedLink.codeNeeded")}</p>
          <TextField
            label={t("sharedLink.accessCode")}
            autoComplete="off"
            required
            value={accessCode}
            onChange={(e) => setAccessCode(e.target.value)}
            errors={status === 403 ? [t("sharedLink.wrongCode")] : undefined}
          />
          <Button type="submit" busy={open.isPending}>
            {t("sharedLink.open")}
          </Button>
        </form>
      ) : open.isError ? (
        <ErrorState error={open.error} onRetry={() => open.mutate({ token, accessCode })} />
      ) : open.data ? (
        <div className="space-y-4 text-sm">
          <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[auto_1fr]">
            <dt className="font-medium">{t("sharedLink.file")}</dt>
            <dd className="break-all">{open.data.fileName ?? open.data.mediaType}</dd>
            <dt className="font-medium">{t("sharedLink.size")}</dt>
            <dd>{t("documents.size", { size: format.number(Math.ceil(Number(open.data.sizeBytes) / 1024)) })}</dd>
            <dt className="font-medium">{t("sharedLink.expires")}</dt>
            <dd>{format.dateTime(open.data.expiresAt)}</dd>
          </dl>
          {open.data.oneTime && <Alert tone="warning" title={t("sharedLink.oneTime")} />}
          <Button busy={download.isPending} onClick={() => download.mutate({ token, accessCode, fileName: open.data.fileName ?? open.data.title })}>
            {t("sharedLink.download")}
          </Button>
          {download.isSuccess && <Alert tone="success" title={t("sharedLink.downloaded")} />}
          {download.isError && (isApiError(download.error) && download.error.status === 410 ? <Alert tone="error" title={t("sharedLink.closed")} /> : <ErrorState error={download.error} />)}
        </div>
      ) : null}
    </PublicPage>
  );
}
