namespace MedicalHub.Security.Claims;

/// <summary>
/// The claim names of MedicalHub's tokens, as Identity issues them and every service and the gateway read them
/// (inbound claim mapping is off: a claim keeps the name it was issued with).
/// </summary>
public static class ClaimNames
{
    /// <summary>The user; for a client-credentials token, the client id.</summary>
    public const string Subject = "sub";

    /// <summary>The organization the token is for; absent from a service's own token.</summary>
    public const string Organization = "org_id";

    /// <summary>One per permission the token carries (<see cref="PermissionNames"/>).</summary>
    public const string Permission = "permission";

    /// <summary>The session (login) a user's token belongs to; absent from client-credentials tokens.</summary>
    public const string Session = "sid";

    /// <summary>How the user logged in (RFC 8176): <c>pwd</c>, and <c>mfa</c> with <c>otp</c> or <c>rc</c> after a second factor.</summary>
    public const string AuthenticationMethod = "amr";

    public const string ClientId = "client_id";

    /// <summary>Who a client-credentials token is for: <see cref="ClientKinds.Service"/> or <see cref="ClientKinds.Integration"/>.</summary>
    public const string ClientKind = "client_kind";

    public const string Name = "name";

    public const string Role = "role";

    /// <summary>
    /// <c>true</c> on the token of a member whose organization requires MFA for one of their roles and who logged in
    /// without it: the token has no roles or permissions, and only reaches Identity's account endpoints (to enrol).
    /// </summary>
    public const string MfaEnrollmentRequired = "mfa_enrollment_required";

    /// <summary>
    /// On a patient portal account's token only (role <see cref="RoleNames.Patient"/>): the patient's record (a Content
    /// patient id) in the token's organization (<see cref="Organization"/>). One per token: a person who is a patient of
    /// several practices holds one token per practice, chosen like a staff member's organization (<c>organization_id</c>).
    /// </summary>
    public const string Patient = "patient_id";
}

/// <summary>Role names services read from tokens. Services authorize on permissions; the patient role is the exception that says who the caller is.</summary>
public static class RoleNames
{
    /// <summary>
    /// The role of a patient portal account: no permission at all (every staff endpoint refuses it); the token names the
    /// patient's record in <see cref="ClaimNames.Patient"/>. Built in, held only through a patient invitation, never
    /// given to staff nor taken by a custom role.
    /// </summary>
    public const string Patient = "Patient";
}

/// <summary>The values of <see cref="ClaimNames.ClientKind"/>.</summary>
public static class ClientKinds
{
    /// <summary>One of the platform's own services: no organization of its own, acts for one when it says so.</summary>
    public const string Service = "service";

    /// <summary>An organization's API client (an integrator): its tokens are for that organization.</summary>
    public const string Integration = "integration";
}
