namespace MedicalHub.AppHost;

public static class AccountEmailExtensions
{
    /// <summary>
    /// Identity's outbox relay sends its e-mails (verification, password reset, invitation) through Communication's API
    /// with Identity's own client-credentials token: Identity finds Communication (<c>http://communication</c>) and its own
    /// token endpoint (<c>http://identity</c>) by service discovery. Identity does not wait for Communication: an outage
    /// only delays the e-mails, which wait in the outbox. Without Communication in the model they simply wait.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithAccountEmails(this IResourceBuilder<ProjectResource>? identity, IResourceBuilder<ProjectResource>? communication)
    {
        if (identity is null)
        {
            return null;
        }
        identity.WithEnvironment("services__identity__http__0", identity.GetEndpoint("http"));
        if (communication is not null)
        {
            identity.WithReference(communication);
        }
        return identity;
    }
}
