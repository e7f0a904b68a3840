import { readAccessClaims } from "@/lib/auth/claims";

function token(payload: object): string {
  const encode = (value: object) => btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value)))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${encode({ alg: "ES256" })}.${encode(payload)}.signature`;
}

describe("readAccessClaims", () => {
  it("reads single and repeated claims as lists", () => {
    const claims = readAccessClaims(token({ sub: "u1", org_id: "o1", sid: "s1", role: "OrgAdmin", permission: ["users:read", "users:manage"], amr: ["pwd", "mfa", "otp"] }));
    expect(claims).toEqual({ sub: "u1", orgId: "o1", sessionId: "s1", roles: ["OrgAdmin"], permissions: ["users:read", "users:manage"], mfaEnrollmentRequired: false, amr: ["pwd", "mfa", "otp"] });
  });

  it("sees a restricted login that must enrol in MFA", () => {
    const claims = readAccessClaims(token({ sub: "u1", mfa_enrollment_required: "true", name: "Zoë Müller" }));
    expect(claims.mfaEnrollmentRequired).toBe(true);
    expect(claims.permissions).toEqual([]);
  });
});
