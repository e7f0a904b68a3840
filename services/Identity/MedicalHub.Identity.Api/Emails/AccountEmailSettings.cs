namespace MedicalHub.Identity.Api.Emails;

/// <summary>
/// Where Identity's e-mails are sent through, and where their links point. The links open the web app
/// (<c>MedicalHub:Identity:PublicAppUrl</c>), whose pages read <c>token=</c> and call Identity's API:
/// <c>/verify-email?userId=…&amp;token=…</c>, <c>/reset-password?userId=…&amp;token=…</c>,
/// <c>/accept-invitation?invitationId=…&amp;token=…</c>.
/// </summary>
public sealed class AccountEmailSettings
{
    public const string SectionName = "MedicalHub:Identity";

    /// <summary>The web app's public address; in Development, without configuration, its local dev server.</summary>
    public static readonly Uri DevelopmentPublicAppUrl = new("http://localhost:5173/");

    /// <summary>The web app's public address (<c>MedicalHub:Identity:PublicAppUrl</c>): the base of every link in an e-mail.</summary>
    public Uri? PublicAppUrl { get; set; }

    /// <summary>The Communication service as reached inside the system (service discovery), <c>MedicalHub:Identity:CommunicationUrl</c>.</summary>
    public Uri CommunicationUrl { get; set; } = new("http://communication");
}
