namespace MedicalHub.Security.Authentication;

/// <summary>The claim names of MedicalHub access tokens (kept as issued: inbound claim mapping is off).</summary>
public static class CallerClaims
{
    public const string Subject = "sub";
    public const string Organization = "org_id";
    public const string Permission = "permission";
    public const string ClientId = "client_id";
    public const string ClientKind = "client_kind";
    public const string Name = "name";
    public const string Role = "role";

    /// <summary>The session (login) a user's token belongs to; absent from service tokens.</summary>
    public const string Session = "sid";

    /// <summary>The <see cref="ClientKind"/> of a service's own (client-credentials) token: no user, no organization.</summary>
    public const string ServiceClientKind = "service";
}
