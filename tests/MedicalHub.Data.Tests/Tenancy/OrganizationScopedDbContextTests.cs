using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.Data.Tests.Tenancy;

/// <summary>
/// Organization scoping in a service's context (<see cref="OrganizationScopedDbContext"/>), judged without a database:
/// on the model (which entities carry the filter), on the SQL EF generates for PostgreSQL (what a query asks for, with
/// the scope's organization as its parameter), and on what saving would write (an interceptor stops it before the
/// database). Its behaviour against a real PostgreSQL is the end-to-end suite's (Data/OrganizationScopeTests).
/// </summary>
public sealed class OrganizationScopedDbContextTests : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public OrganizationScopedDbContextTests()
    {
        var services = new ServiceCollection();
        services.AddDbContext<NotesContext>(options => options
            .UseNpgsql("Host=no-database.invalid")
            .UseMedicalHubConventions()
            .AddInterceptors(new NothingWritten()));
        services.AddOrganizationScope<NotesContext>(_ => CallerOrganization);
        _services = services.BuildServiceProvider(validateScopes: true);
    }

    private Guid? CallerOrganization { get; set; }

    private (NotesContext Db, OrganizationScope Scope, AsyncServiceScope DiScope) Scoped(Guid? caller)
    {
        CallerOrganization = caller;
        var scope = _services.CreateAsyncScope();
        return (scope.ServiceProvider.GetRequiredService<NotesContext>(), scope.ServiceProvider.GetRequiredService<OrganizationScope>(), scope);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    [Fact]
    public async Task Every_organization_owned_entity_and_only_those_carry_the_organization_filter()
    {
        var (db, _, scope) = Scoped(null);
        await using var _ = scope;

        Assert.NotNull(db.Model.FindEntityType(typeof(Note))!.FindDeclaredQueryFilter(OrganizationScopedDbContext.OrganizationFilter));
        Assert.Null(db.Model.FindEntityType(typeof(Setting))!.FindDeclaredQueryFilter(OrganizationScopedDbContext.OrganizationFilter));
    }

    [Fact]
    public async Task A_query_asks_for_the_scope_s_organization_only()
    {
        var organization = Guid.CreateVersion7();
        var (db, _, scope) = Scoped(organization);
        await using var _ = scope;

        var sql = db.Notes.Where(n => n.Text != "").ToQueryString();

        Assert.Contains("n.organization_id = @", sql, StringComparison.Ordinal);
        Assert.Contains(organization.ToString(), sql, StringComparison.Ordinal);
        Assert.DoesNotContain("organization_id", db.Settings.ToQueryString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scope_of_no_organization_sees_no_organization_s_rows()
    {
        var (db, _, scope) = Scoped(null);
        await using var _ = scope;

        var sql = db.Notes.ToQueryString();

        Assert.Contains("organization_id", sql, StringComparison.Ordinal);
        Assert.DoesNotContain(Guid.Empty.ToString(), sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_filter_reads_the_scope_at_every_query_so_acting_for_an_organization_takes_effect_at_once()
    {
        var organization = Guid.CreateVersion7();
        var (db, organizations, scope) = Scoped(null);
        await using var _ = scope;
        var before = db.Notes.ToQueryString();

        organizations.ActFor(organization);

        Assert.DoesNotContain(organization.ToString(), before, StringComparison.Ordinal);
        Assert.Contains(organization.ToString(), db.Notes.ToQueryString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_across_organizations_is_said_explicitly_and_lifts_only_the_organization_filter()
    {
        var (db, _, scope) = Scoped(Guid.CreateVersion7());
        await using var _ = scope;

        var sql = db.Notes.AcrossOrganizations().ToQueryString();

        Assert.DoesNotContain("organization_id =", sql, StringComparison.Ordinal);
        Assert.Contains("WHERE NOT (n.archived)", sql, StringComparison.Ordinal); // the context's other named filter stays
    }

    [Fact]
    public async Task A_new_row_without_an_organization_is_stamped_with_the_scope_s()
    {
        var organization = Guid.CreateVersion7();
        var (db, _, scope) = Scoped(organization);
        await using var _ = scope;
        var note = new Note { Text = "new" };
        db.Notes.Add(note);

        await db.SaveChangesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(organization, note.OrganizationId);
    }

    [Fact]
    public async Task Adding_or_deleting_another_organization_s_row_is_refused()
    {
        var (db, _, scope) = Scoped(Guid.CreateVersion7());
        await using var _ = scope;
        var ct = TestContext.Current.CancellationToken;

        db.Notes.Add(new Note { OrganizationId = Guid.CreateVersion7(), Text = "theirs" });
        await Assert.ThrowsAsync<OrganizationScopeViolationException>(() => db.SaveChangesAsync(ct));
        db.ChangeTracker.Clear();

        db.Notes.Remove(new Note { Id = Guid.CreateVersion7(), OrganizationId = Guid.CreateVersion7() });
        await Assert.ThrowsAsync<OrganizationScopeViolationException>(() => db.SaveChangesAsync(ct));
    }

    [Fact]
    public async Task Moving_a_row_to_another_organization_is_refused()
    {
        var organization = Guid.CreateVersion7();
        var (db, _, scope) = Scoped(organization);
        await using var _ = scope;
        var note = new Note { Id = Guid.CreateVersion7(), OrganizationId = organization, Text = "ours" };
        db.Notes.Attach(note);

        note.OrganizationId = Guid.CreateVersion7();

        await Assert.ThrowsAsync<OrganizationScopeViolationException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Taking_another_organization_s_row_into_one_s_own_is_refused()
    {
        var organization = Guid.CreateVersion7();
        var (db, _, scope) = Scoped(organization);
        await using var _ = scope;
        var theirs = new Note { Id = Guid.CreateVersion7(), OrganizationId = Guid.CreateVersion7(), Text = "theirs" };
        db.Notes.Attach(theirs);

        theirs.OrganizationId = organization;

        await Assert.ThrowsAsync<OrganizationScopeViolationException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Without_an_organization_in_scope_only_rows_of_no_organization_can_be_written()
    {
        var (db, _, scope) = Scoped(null);
        await using var _ = scope;
        var ct = TestContext.Current.CancellationToken;

        db.Settings.Add(new Setting { Name = "shared" });
        await db.SaveChangesAsync(ct);

        db.Notes.Add(new Note { Text = "whose?" });
        await Assert.ThrowsAsync<OrganizationScopeViolationException>(() => db.SaveChangesAsync(ct));
    }

    public sealed class Note : IOrganizationOwned
    {
        public Guid Id { get; set; } = Guid.CreateVersion7();

        public Guid OrganizationId { get; set; }

        public string Text { get; set; } = "";

        public bool Archived { get; set; }
    }

    public sealed class Setting
    {
        public Guid Id { get; set; } = Guid.CreateVersion7();

        public string Name { get; set; } = "";
    }

    public sealed class NotesContext(DbContextOptions<NotesContext> options) : OrganizationScopedDbContext(options)
    {
        public DbSet<Note> Notes => Set<Note>();

        public DbSet<Setting> Settings => Set<Setting>();

        protected override void ConfigureModel(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Note>().HasQueryFilter("active", n => !n.Archived);
            modelBuilder.Entity<Setting>();
        }
    }

    /// <summary>Stops every save just before the database, after the context's own checks ran: nothing is written anywhere.</summary>
    private sealed class NothingWritten : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult<int>.SuppressWithResult(0));
    }
}
