import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/lib/api/errors";

/** One sentence for any error a page meets: what happened, in the user's language, and what to do. */
export function useErrorMessage() {
  const { t } = useTranslation();
  return useCallback(
    (error: unknown): string => {
      if (!isApiError(error)) return t("errors.unexpected");
      switch (error.kind) {
        case "network":
          return t("errors.network");
        case "unavailable":
          return t("errors.unavailable");
        case "rate-limited":
          return error.retryAfter ? t("errors.rateLimitedFor", { seconds: error.retryAfter }) : t("errors.rateLimited");
        case "forbidden":
          return t("errors.forbidden");
        case "unauthorized":
          return t("errors.unauthorized");
        case "not-found":
          return t("errors.notFound");
        case "conflict":
          // A 412's detail is about headers; the user needs to know someone else changed it first.
          return error.status === 412 ? t("errors.stale") : (error.problem?.detail ?? t("errors.conflict"));
        case "validation":
          return error.problem?.detail ?? firstFieldError(error.problem?.errors) ?? t("errors.validation");
        default:
          return t("errors.server", { requestId: error.problem?.requestId ?? error.problem?.traceId ?? "-" });
      }
    },
    [t],
  );
}

function firstFieldError(errors: Record<string, string[]> | undefined): string | undefined {
  return errors ? Object.values(errors).flat()[0] : undefined;
}
