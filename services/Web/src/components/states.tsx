import { useTranslation } from "react-i18next";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { isApiError } from "@/lib/api/errors";
import { useErrorMessage } from "@/hooks/use-error-message";

export function LoadingState({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div role="status" className="flex items-center gap-3 py-6 text-sm text-slate-600 dark:text-slate-300">
      <span aria-hidden="true" className="size-5 animate-spin rounded-full border-2 border-teal-600 border-t-transparent" />
      {label ?? t("common.loading")}
    </div>
  );
}

/** An error in place of the content it stands for, with a way to try again where that can help. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  const retryable = !isApiError(error) || ["network", "unavailable", "server", "rate-limited"].includes(error.kind);
  return (
    <Alert tone="error" title={message(error)}>
      {onRetry && retryable && (
        <Button variant="secondary" className="mt-2" onClick={onRetry}>
          {t("common.retry")}
        </Button>
      )}
    </Alert>
  );
}
