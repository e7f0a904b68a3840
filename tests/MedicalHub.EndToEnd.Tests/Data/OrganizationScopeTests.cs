using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.EndToEnd.Tests.Data;

/// <summary>
/// The shared organization scope (MedicalHub.Data) on a real service model (Content's) and the stack's real Postgres:
/// a pooled context serves each DI scope with that scope's organization; no organization sees nothing; writes are
/// stamped and guarded.
/// </summary>
public sealed class OrganizationScopeTests(StackFixture stack) : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Caller
    {
        public Guid? OrganizationId { get; set; }
    }

    private ServiceProvider? _services;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    /// <summary>Content's context as the service registers it (pooled), with a pool of one so every scope reuses the same instance.</summary>
    private async Task<ServiceProvider> ServicesAsync()
    {
        var connectionString = await stack.ConnectionStringAsync("contentdb");
        var services = new ServiceCollection()
            .AddDbContextPool<ContentDbContext>(options => options.UseNpgsql(connectionString).UseMedicalHubConventions(), poolSize: 1)
            .AddScoped<Caller>();
        services.AddOrganizationScope<ContentDbContext>(sp => sp.GetRequiredService<Caller>().OrganizationId);
        return _services = services.BuildServiceProvider();
    }

    private static AsyncServiceScope ScopeOf(ServiceProvider services, Guid? organizationId)
    {
        var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().OrganizationId = organizationId;
        return scope;
    }

    private static Document NewDocument(string title, Guid organizationId = default) =>
        new() { OrganizationId = organizationId, Title = title, Category = "letter", MediaType = "application/pdf", CreatedBy = Guid.NewGuid() };

    [Fact]
    public async Task Each_scope_sees_its_organization_s_rows_only_and_a_scope_without_one_sees_none()
    {
        var services = await ServicesAsync();
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var ids = new Dictionary<Guid, Guid>();
        foreach (var organization in new[] { a, b })
        {
            await using var scope = ScopeOf(services, organization);
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            var document = NewDocument($"of {organization}");
            db.Documents.Add(document);
            await db.SaveChangesAsync(Ct);
            ids[organization] = document.Id;
        }
        Guid[] both = [ids[a], ids[b]];

        ContentDbContext? previous = null;
        foreach (var (organization, expected) in new (Guid?, Guid[])[] { (a, [ids[a]]), (b, [ids[b]]), (null, []), (a, [ids[a]]) })
        {
            await using var scope = ScopeOf(services, organization);
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            Assert.True(previous is null || ReferenceEquals(previous, db), "the pool should hand out its one context again");
            previous = db;

            var seen = await db.Documents.Where(d => both.Contains(d.Id)).Select(d => d.Id).ToListAsync(Ct);
            Assert.Equal(expected, seen);
            // The explicit way across organizations still reads both.
            Assert.Equal(2, await db.Documents.AcrossOrganizations().CountAsync(d => both.Contains(d.Id), Ct));
        }
    }

    [Fact]
    public async Task A_new_row_gets_the_scope_s_organization_and_a_row_of_another_organization_is_refused()
    {
        var services = await ServicesAsync();
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();

        await using (var scope = ScopeOf(services, a))
        {
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            var stamped = NewDocument("stamped");
            db.Documents.Add(stamped);
            await db.SaveChangesAsync(Ct);
            Assert.Equal(a, stamped.OrganizationId);

            db.Documents.Add(NewDocument("foreign", organizationId: b));
            await Assert.ThrowsAsync<OrganizationScopeViolationException>(() => db.SaveChangesAsync(Ct));
            db.ChangeTracker.Clear();

            // A user's scope cannot be switched to another organization.
            Assert.Throws<OrganizationScopeViolationException>(() => scope.ServiceProvider.GetRequiredService<OrganizationScope>().ActFor(b));
        }

        await using (var scope = ScopeOf(services, organizationId: null))
        {
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            db.Documents.Add(NewDocument("nowhere"));
            await Assert.ThrowsAsync<OrganizationScopeViolationException>(() => db.SaveChangesAsync(Ct));
            db.ChangeTracker.Clear();

            // A job or service names the organization it works for; then it sees and writes that organization's rows.
            scope.ServiceProvider.GetRequiredService<OrganizationScope>().ActFor(b);
            var forB = NewDocument("for b");
            db.Documents.Add(forB);
            await db.SaveChangesAsync(Ct);
            Assert.Equal(b, forB.OrganizationId);
            Assert.True(await db.Documents.AnyAsync(d => d.Id == forB.Id, Ct));
        }
    }

    [Fact]
    public async Task A_row_found_across_organizations_cannot_be_changed_outside_its_organization_s_scope()
    {
        var services = await ServicesAsync();
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        Guid id;
        await using (var scope = ScopeOf(services, a))
        {
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            var document = NewDocument("a's");
            db.Documents.Add(document);
            await db.SaveChangesAsync(Ct);
            id = document.Id;
        }

        await using (var scope = ScopeOf(services, b))
        {
            var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
            var found = await db.Documents.AcrossOrganizations().SingleAsync(d => d.Id == id, Ct);
            found.Title = "changed by b";
            await Assert.ThrowsAsync<OrganizationScopeViolationException>(() => db.SaveChangesAsync(Ct));
        }
    }
}
