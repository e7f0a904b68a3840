using System.Collections.Concurrent;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Providers;
using MedicalHub.Communication.Api.Webhooks;
using MedicalHub.Communication.Tests.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.Communication.Tests.Webhooks;

/// <summary>The webhook endpoints alone, in memory, with the providers' configuration and a sink that records what they report.</summary>
public sealed class WebhookHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookHost(WebApplication app, RecordingSink sink)
    {
        _app = app;
        Sink = sink;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public RecordingSink Sink { get; }

    public static async Task<WebhookHost> StartAsync(IReadOnlyDictionary<string, string?> settings, FixedTimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        var sink = new RecordingSink();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IDeliveryStatusSink>(sink);
        builder.Services.AddDeliveryProviders(builder.Configuration);

        var app = builder.Build();
        app.MapDeliveryWebhooks();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new WebhookHost(app, sink);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}

public sealed class RecordingSink : IDeliveryStatusSink
{
    public ConcurrentQueue<ProviderStatusEvent> Events { get; } = new();

    public Task<bool> RecordAsync(ProviderStatusEvent statusEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(statusEvent);
        return Task.FromResult(true);
    }
}
