/** What went wrong with an API call, in the terms the pages explain to the user. */
export type ApiErrorKind = "validation" | "unauthorized" | "forbidden" | "not-found" | "conflict" | "rate-limited" | "unavailable" | "network" | "server";

export interface ProblemDetails {
  title?: string | null;
  detail?: string | null;
  status?: number | string | null;
  errors?: Record<string, string[]>;
  requestId?: string;
  traceId?: string;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number;
  readonly problem: ProblemDetails | null;
  /** Seconds to wait after a 429 (Retry-After). */
  readonly retryAfter: number | null;

  constructor(status: number, problem: ProblemDetails | null, retryAfter: number | null = null) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
    this.kind = kindOf(status);
  }

  /** A 400 that names the fields at fault: the page shows each beside its field rather than in one message. */
  get hasFieldErrors(): boolean {
    return this.kind === "validation" && Object.keys(this.problem?.errors ?? {}).length > 0;
  }

  /** The messages for one field of a 400 ValidationProblem (names compared case-insensitively). */
  fieldErrors(field: string): string[] {
    const errors = this.problem?.errors ?? {};
    const key = Object.keys(errors).find((k) => k.toLowerCase() === field.toLowerCase());
    return key ? (errors[key] ?? []) : [];
  }
}

function kindOf(status: number): ApiErrorKind {
  if (status === 0) return "network";
  // Refused content (too large, a type not accepted): the service's ProblemDetails says why.
  if (status === 400 || status === 413 || status === 415 || status === 422) return "validation";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  // 412: changed by someone else since the page read it (If-Match); the page's copy must be reloaded.
  if (status === 409 || status === 412) return "conflict";
  if (status === 429) return "rate-limited";
  if (status === 502 || status === 503 || status === 504) return "unavailable";
  return "server";
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
