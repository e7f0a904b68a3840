using MedicalHub.Communication.Api.Conversations;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Data.Outbox;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Infrastructure;

/// <summary>The Communication service's own database: notifications, their deliveries and attempts, templates, routing and recipients' preferences; conversations, their messages and the message access audit; the outbox. No other service reads it.
/// Organization-owned rows (notifications, deliveries, templates, routing) are scoped to the current organization
/// (<see cref="OrganizationScopedDbContext"/>); recipients' settings and preferences belong to a user, not an organization.</summary>
public sealed class CommunicationDbContext(DbContextOptions<CommunicationDbContext> options) : OrganizationScopedDbContext(options)
{
    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<NotificationDelivery> Deliveries => Set<NotificationDelivery>();

    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();

    public DbSet<MessageTemplate> Templates => Set<MessageTemplate>();

    public DbSet<ChannelRouting> ChannelRoutings => Set<ChannelRouting>();

    public DbSet<RecipientSettings> RecipientSettings => Set<RecipientSettings>();

    public DbSet<ChannelPreference> ChannelPreferences => Set<ChannelPreference>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    protected override void ConfigureModel(ModelBuilder modelBuilder) =>
        // The outbox carries conversations' side effects elsewhere (attachments shared through Content).
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CommunicationDbContext).Assembly).AddOutbox();
}
