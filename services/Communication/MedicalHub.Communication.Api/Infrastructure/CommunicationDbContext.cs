using MedicalHub.Communication.Api.Model;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Infrastructure;

/// <summary>The Communication service's own database: email, SMS, push and in-app delivery with templates, scheduling, preferences and delivery status. No other service reads it.</summary>
public sealed class CommunicationDbContext(DbContextOptions<CommunicationDbContext> options) : DbContext(options)
{
    public DbSet<Notification> Notifications => Set<Notification>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CommunicationDbContext).Assembly);
}
