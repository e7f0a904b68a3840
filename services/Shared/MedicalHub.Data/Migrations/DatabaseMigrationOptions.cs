namespace MedicalHub.Data.Migrations;

public sealed class DatabaseMigrationOptions
{
    public const string SectionName = "MedicalHub:Database";

    /// <summary>
    /// Apply pending migrations when the service starts (under the advisory lock, so replicas take turns).
    /// Turn it off where a deployment runs the service with the <c>migrate</c> argument as a job instead.
    /// </summary>
    public bool MigrateOnStartup { get; set; } = true;
}
