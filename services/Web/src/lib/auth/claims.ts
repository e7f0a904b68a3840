/** The claims of an access token the app decides on (what to show; every service checks them again). */
export interface AccessClaims {
  sub: string;
  orgId: string | null;
  sessionId: string | null;
  roles: string[];
  permissions: string[];
  mfaEnrollmentRequired: boolean;
  amr: string[];
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

/** Reads an access token's payload (a JWT signed by Identity; not verified here: the browser only uses it for display). */
export function readAccessClaims(accessToken: string): AccessClaims {
  const payload = accessToken.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
  const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
  const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  return {
    sub: typeof claims.sub === "string" ? claims.sub : "",
    orgId: typeof claims.org_id === "string" ? claims.org_id : null,
    sessionId: typeof claims.sid === "string" ? claims.sid : null,
    roles: list(claims.role),
    permissions: list(claims.permission),
    mfaEnrollmentRequired: claims.mfa_enrollment_required === true || claims.mfa_enrollment_required === "true",
    amr: list(claims.amr),
  };
}
