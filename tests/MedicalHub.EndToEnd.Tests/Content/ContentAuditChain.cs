using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data;
using MedicalHub.Data.Audit;
using MedicalHub.Data.Tenancy;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// The shared audit chain (MedicalHub.Data) on Content's real table in the stack's Postgres, run in the test process with
/// chosen keys: by default the key the stack gave the service (<c>content-audit-key</c>), so what it appends verifies in the
/// service too. Also writes around the service, as an attacker with database access would.
/// </summary>
internal sealed class ContentAuditChain : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ContentAuditChain(ServiceProvider services) => _services = services;

    public AuditChain<ContentDbContext, PhiAccessRecord> Chain => _services.GetRequiredService<AuditChain<ContentDbContext, PhiAccessRecord>>();

    public static async Task<ContentAuditChain> CreateAsync(StackFixture stack, string? key = null, params string[] retiredKeys)
    {
        var connectionString = await stack.ConnectionStringAsync("contentdb");
        var services = new ServiceCollection()
            .AddDbContextPool<ContentDbContext>(options => options.UseNpgsql(connectionString).UseMedicalHubConventions())
            .AddSingleton(TimeProvider.System)
            .AddSingleton(Options.Create(new AuditChainKeySettings { Key = key ?? await stack.ParameterAsync("content-audit-key"), RetiredKeys = retiredKeys }))
            .AddSingleton<AuditChainKeys>()
            .AddSingleton(new AuditChainOptions<PhiAccessRecord>())
            .AddSingleton<AuditChain<ContentDbContext, PhiAccessRecord>>();
        services.AddOrganizationScope<ContentDbContext>(_ => null);
        return new ContentAuditChain(services.BuildServiceProvider());
    }

    public static PhiAccessRecord Record(Guid organizationId, string action = PhiActions.Read, Guid? patientId = null, Guid? userId = null) => new()
    {
        OrganizationId = organizationId,
        Action = action,
        UserId = userId ?? Guid.NewGuid(),
        ClientId = "test-client",
        ResourceType = "Patient",
        ResourceId = patientId?.ToString(),
        PatientIds = patientId is { } p ? [p] : [],
        IpAddress = "198.18.0.1",
        UserAgent = "tests",
    };

    public Task AppendAsync(Guid organizationId, params PhiAccessRecord[] records) =>
        Chain.AppendAsync(organizationId, records, TestContext.Current.CancellationToken);

    /// <summary>Runs <paramref name="sql"/> on Content's database as a superuser who switched the append-only trigger off for the session.</summary>
    public static async Task<int> TamperAsync(StackFixture stack, string sql, Guid organizationId, long sequence)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("contentdb"));
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using (var bypass = new NpgsqlCommand("SET session_replication_role = replica", db))
        {
            await bypass.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        await using var tamper = new NpgsqlCommand(sql, db);
        tamper.Parameters.AddWithValue("chain", organizationId);
        tamper.Parameters.AddWithValue("sequence", sequence);
        return await tamper.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
