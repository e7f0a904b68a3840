namespace MedicalHub.Identity.Api.Emails;

/// <summary>The links of Identity's e-mails: the web app's pages, each carrying the one-time <c>token=</c>.</summary>
public sealed class EmailLinks(Uri publicAppUrl)
{
    private readonly string _base = publicAppUrl.ToString().TrimEnd('/');

    public string VerifyEmail(Guid userId, string token) => $"{_base}/verify-email?userId={userId}&token={Uri.EscapeDataString(token)}";

    public string ResetPassword(Guid userId, string token) => $"{_base}/reset-password?userId={userId}&token={Uri.EscapeDataString(token)}";

    public string AcceptInvitation(Guid invitationId, string token) => $"{_base}/accept-invitation?invitationId={invitationId}&token={Uri.EscapeDataString(token)}";
}
