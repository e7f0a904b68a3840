using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Engine;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedicalHub.EndToEnd.Tests.Data;

/// <summary>
/// A provider's delivery report arrives with no organization (an anonymous webhook): the status sink finds the delivery
/// across organizations, on purpose, and records the report as that delivery's organization. Against the stack's
/// communication database.
/// </summary>
public sealed class DeliveryStatusScopeTests(StackFixture stack) : IAsyncDisposable
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

    [Fact]
    public async Task A_webhook_report_without_an_organization_updates_the_delivery_of_whichever_organization_owns_it()
    {
        var connectionString = await stack.ConnectionStringAsync("communicationdb");
        var services = new ServiceCollection()
            .AddLogging()
            .AddDbContextPool<CommunicationDbContext>(options => options.UseNpgsql(connectionString).UseMedicalHubConventions())
            .AddScoped<Caller>()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<DeliveryStatusSink>();
        services.AddOrganizationScope<CommunicationDbContext>(sp => sp.GetRequiredService<Caller>().OrganizationId);
        _services = services.BuildServiceProvider();

        var organization = Guid.NewGuid();
        var providerMessageId = $"test-{Guid.NewGuid():N}";
        Guid notificationId;
        await using (var scope = _services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Caller>().OrganizationId = organization;
            var db = scope.ServiceProvider.GetRequiredService<CommunicationDbContext>();
            var delivery = new NotificationDelivery
            {
                OrganizationId = organization, Channel = Channel.Email, Address = "patient@example.org", Status = NotificationStatus.Sent,
                Provider = "mailgun-test", ProviderMessageId = providerMessageId,
            };
            var notification = new Notification
            {
                OrganizationId = organization, Category = "appointment-reminder", Recipient = "patient@example.org",
                Status = NotificationStatus.Sent, Deliveries = [delivery],
            };
            db.Notifications.Add(notification);
            db.DeliveryAttempts.Add(new DeliveryAttempt
            {
                Id = Guid.NewGuid(), DeliveryId = delivery.Id, Provider = "mailgun-test", StartedAt = DateTimeOffset.UtcNow,
                FinishedAt = DateTimeOffset.UtcNow, Outcome = AttemptOutcome.Sent, ProviderMessageId = providerMessageId,
            });
            await db.SaveChangesAsync(Ct);
            notificationId = notification.Id;
        }

        var recorded = await _services.GetRequiredService<DeliveryStatusSink>().RecordAsync(
            new ProviderStatusEvent("mailgun-test", providerMessageId, ProviderStatus.Delivered, DateTimeOffset.UtcNow, null), Ct);

        Assert.True(recorded);
        await using (var scope = _services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Caller>().OrganizationId = organization;
            var db = scope.ServiceProvider.GetRequiredService<CommunicationDbContext>();
            var notification = await db.Notifications.AsNoTracking().Include(n => n.Deliveries).SingleAsync(n => n.Id == notificationId, Ct);
            Assert.Equal(NotificationStatus.Delivered, Assert.Single(notification.Deliveries).Status);
            Assert.Equal(NotificationStatus.Delivered, notification.Status);
        }
    }
}
