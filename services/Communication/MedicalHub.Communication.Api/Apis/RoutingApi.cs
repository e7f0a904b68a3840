using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Communication.Api.Routing;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Apis;

/// <summary>The organization's provider order per channel (which configured provider is tried first, which next on failover).</summary>
public static class RoutingApi
{
    public static IEndpointRouteBuilder MapRoutingApi(this IEndpointRouteBuilder app)
    {
        var routing = app.MapGroup("/api/notification-routing").WithTags("Routing").RequirePermission(PermissionNames.NotificationsManage);
        routing.MapGet("/{channel}", GetAsync).WithName("GetRouting").WithSummary("The providers tried for a channel, in order, and those available");
        routing.MapPut("/{channel}", SetAsync).WithName("SetRouting").WithSummary("Set the organization's own provider order for a channel");
        routing.MapDelete("/{channel}", ResetAsync).WithName("ResetRouting").WithSummary("Go back to the configured default order");
        return app;
    }

    public sealed record RoutingView(string Channel, string[] Providers, bool IsDefault, string[] Available);

    public sealed record RoutingChange(string[]? Providers);

    private static bool TryChannel(string name, out Channel channel) =>
        Enum.TryParse(name, ignoreCase: true, out channel) && Enum.IsDefined(channel) && !int.TryParse(name, out _);

    private static async Task<Results<Ok<RoutingView>, NotFound>> GetAsync(string channel, CurrentCaller caller, CommunicationDbContext db, ProviderRouter router, CancellationToken ct)
    {
        if (!TryChannel(channel, out var c) || caller.OrganizationId is not { } org)
        {
            return TypedResults.NotFound();
        }
        var route = await router.RouteAsync(db, org, c, ct);
        var isDefault = !await db.ChannelRoutings.AnyAsync(r => r.OrganizationId == org && r.Channel == c, ct);
        return TypedResults.Ok(new RoutingView(c.ToString().ToLowerInvariant(), route, isDefault, [.. router.ProvidersOf(c)]));
    }

    private static async Task<Results<Ok<RoutingView>, NotFound, ValidationProblem>> SetAsync(string channel, RoutingChange change, CurrentCaller caller,
        CommunicationDbContext db, ProviderRouter router, TimeProvider time, CancellationToken ct)
    {
        if (!TryChannel(channel, out var c) || caller.OrganizationId is not { } org)
        {
            return TypedResults.NotFound();
        }
        var available = router.ProvidersOf(c).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (change.Providers is not { Length: > 0 } providers || providers.Length > 10)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["providers"] = ["Give 1 to 10 provider names, first tried first."] });
        }
        if (providers.FirstOrDefault(p => !available.Contains(p)) is { } unknown)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["providers"] = [$"'{unknown}' is not a configured {c} provider (available: {string.Join(", ", available.Order(StringComparer.Ordinal))})."],
            });
        }

        var routing = await db.ChannelRoutings.SingleOrDefaultAsync(r => r.OrganizationId == org && r.Channel == c, ct);
        if (routing is null)
        {
            db.ChannelRoutings.Add(routing = new ChannelRouting { OrganizationId = org, Channel = c, Providers = providers });
        }
        routing.Providers = providers;
        routing.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        router.Forget(org, c);
        return TypedResults.Ok(new RoutingView(c.ToString().ToLowerInvariant(), providers, false, [.. available.Order(StringComparer.Ordinal)]));
    }

    private static async Task<Results<NoContent, NotFound>> ResetAsync(string channel, CurrentCaller caller, CommunicationDbContext db, ProviderRouter router, CancellationToken ct)
    {
        if (!TryChannel(channel, out var c) || caller.OrganizationId is not { } org)
        {
            return TypedResults.NotFound();
        }
        await db.ChannelRoutings.Where(r => r.OrganizationId == org && r.Channel == c).ExecuteDeleteAsync(ct);
        router.Forget(org, c);
        return TypedResults.NoContent();
    }
}
