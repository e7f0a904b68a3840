namespace MedicalHub.AppHost;

public static class AccountEmailExtensions
{
    /// <summary>
    /// Identity's outbox relay sends its e-mails (verification, password reset, invitation) through Communication's API
    /// with Identity's own client-credentials token: Identity finds Communication (<c>http://communication</c>) and its own
    /// token endpoint (<c>http://identity</c>) by service discovery. Identity does not wait for Communication: an outage
    /// only delays the e-mails, which wait in the outbox. Without Communication in the model they simply wait. The links'
    /// base, the web app's public address, is set with the web app (<see cref="WebAppExtensions.WithWebApp"/>).
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithAccountEmails(this IResourceBuilder<ProjectResource>? identity, IResourceBuilder<ProjectResource>? communication)
    {
        if (identity is null)
        {
            return null;
        }
        identity.WithEnvironment("services__identity__http__0", identity.GetEndpoint("http"));
        // The links in the e-mails open the web app, whose public URL the gateway's WithWebApp gives (the gateway's URL in
        // run mode, the parameter identity-public-app-url in a deployment); without a gateway Identity's Development
        // default (the Vite dev server) applies.
        if (communication is not null)
        {
            identity.WithReference(communication);
        }
        return identity;
    }
}
