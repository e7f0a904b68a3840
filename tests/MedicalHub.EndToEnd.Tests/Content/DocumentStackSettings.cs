namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// What the suite changes in the Content service's documents: uploads abandoned after a few seconds and swept every second, FHIR Binaries left unfiled for half a minute, deleted
/// documents kept for seconds, not days, and purged every second, so the tests can watch the sweeper and the purge.
/// </summary>
internal static class DocumentStackSettings
{
    public const long MaxUploadBytes = 8 * 1024 * 1024;
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan DeletedRetention = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan UnfiledLifetime = TimeSpan.FromSeconds(30);

    public static void Apply(IDistributedApplicationTestingBuilder builder)
    {
        if (builder.Resources.OfType<ProjectResource>().SingleOrDefault(r => r.Name == "content") is not { } content)
        {
            return;
        }
        content.Annotations.Add(new EnvironmentCallbackAnnotation(env =>
        {
            env["MedicalHub__Content__Storage__AbandonedAfter"] = AbandonedAfter.ToString();
            env["MedicalHub__Content__Storage__SweepInterval"] = "00:00:01";
            env["MedicalHub__Content__Storage__UnfiledLifetime"] = UnfiledLifetime.ToString();
            env["MedicalHub__Content__Documents__DeletedRetention"] = DeletedRetention.ToString();
            env["MedicalHub__Content__Documents__PurgeInterval"] = "00:00:01";
            env["MedicalHub__Outbox__PollInterval"] = "00:00:00.200";
        }));
    }
}
