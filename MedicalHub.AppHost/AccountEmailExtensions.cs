namespace MedicalHub.AppHost;

public static class AccountEmailExtensions
{
    /// <summary>
    /// Identity's outbox relay sends its e-mails (verification, password reset, invitation) through Communication's API
    /// with Identity's own client-credentials token: Identity finds Communication (<c>http://communication</c>) and its own
    /// token endpoint (<c>http://identity</c>) by service discovery. Identity does not wait for Communication: an outage
    /// only delays the e-mails, which wait in the outbox. Without Communication in the model they simply wait. A
    /// deployment gives the web app's public address (the links' base) as the parameter <c>identity-public-app-url</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithAccountEmails(this IResourceBuilder<ProjectResource>? identity, IResourceBuilder<ProjectResource>? communication)
    {
        if (identity is null)
        {
            return null;
        }
        identity.WithEnvironment("services__identity__http__0", identity.GetEndpoint("http"));
        // The links in the e-mails open the web app: in run mode (Development) Identity defaults to its dev server; a
        // deployment must say where it is (Identity refuses to start outside Development without it).
        if (identity.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            identity.WithEnvironment("MedicalHub__Identity__PublicAppUrl", identity.ApplicationBuilder.AddParameter("identity-public-app-url"));
        }
        if (communication is not null)
        {
            identity.WithReference(communication);
        }
        return identity;
    }
}
