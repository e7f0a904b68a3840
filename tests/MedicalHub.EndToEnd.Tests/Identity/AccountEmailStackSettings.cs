namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary>
/// What the suite sets for Identity's e-mails: a public app URL of its own (so the tests prove the links follow the
/// configuration, not a default), and a relay that retries quickly and long enough to outlast a Communication restart.
/// </summary>
internal static class AccountEmailStackSettings
{
    public const string PublicAppUrl = "https://app.medicalhub.test/portal";

    public static void Apply(IDistributedApplicationTestingBuilder builder)
    {
        if (builder.Resources.OfType<ProjectResource>().SingleOrDefault(r => r.Name == "identity") is not { } identity)
        {
            return;
        }
        builder.CreateResourceBuilder(identity)
            .WithEnvironment("MedicalHub__Identity__PublicAppUrl", PublicAppUrl)
            .WithEnvironment("MedicalHub__Outbox__PollInterval", "00:00:00.250")
            .WithEnvironment("MedicalHub__Outbox__FirstRetryDelay", "00:00:00.500")
            .WithEnvironment("MedicalHub__Outbox__MaxRetryDelay", "00:00:02")
            .WithEnvironment("MedicalHub__Outbox__MaxAttempts", "1000");
    }
}
