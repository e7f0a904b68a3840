import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { useTranslation } from "react-i18next";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { useDocumentTitle } from "@/hooks/use-document-title";

/** What a route shows when it fails to load or render: never a blank page. */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  useDocumentTitle(t("errors.pageTitle"));
  // A new release replaced the chunk this tab asked for: a reload brings the new one.
  const staleChunk = error instanceof TypeError && /dynamically imported module|Importing a module script failed/i.test(error.message);
  return (
    <main id="main" className="mx-auto max-w-xl p-6">
      <h1 className="mb-4 text-xl font-semibold">{t("errors.pageTitle")}</h1>
      <Alert tone="error" title={isRouteErrorResponse(error) && error.status === 404 ? t("errors.pageNotFound") : staleChunk ? t("errors.newVersion") : t("errors.unexpected")}>
        <div className="mt-2 flex gap-2">
          <Button variant="secondary" onClick={() => window.location.reload()}>
            {t("common.reload")}
          </Button>
          <Link className="inline-flex items-center px-2 text-sm underline" to="/">
            {t("nav.home")}
          </Link>
        </div>
      </Alert>
    </main>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  useDocumentTitle(t("errors.pageNotFound"));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("errors.pageNotFound")}</h1>
      <Link className="text-teal-800 underline dark:text-teal-300" to="/">
        {t("nav.home")}
      </Link>
    </div>
  );
}
