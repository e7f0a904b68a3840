using MedicalHub.Identity.Api.Model;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Infrastructure;

/// <summary>The Identity service's own database: users, organizations (tenants), roles, MFA, sessions, tokens and the security audit trail. No other service reads it.</summary>
public sealed class IdentityServiceDbContext(DbContextOptions<IdentityServiceDbContext> options) : DbContext(options)
{
    public DbSet<Organization> Organizations => Set<Organization>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(IdentityServiceDbContext).Assembly);
}
