using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Communication.Api.Preferences;
using MedicalHub.Security.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Apis;

/// <summary>
/// The caller's own notification preferences (per category and channel, quiet hours in their time zone), and the
/// anonymous one-click unsubscribe endpoint (RFC 8058) the links in e-mails point to.
/// </summary>
public static class PreferencesApi
{
    public static IEndpointRouteBuilder MapPreferencesApi(this IEndpointRouteBuilder app)
    {
        var preferences = app.MapGroup("/api/notification-preferences").WithTags("Preferences").RequireAuthorization();
        preferences.MapGet("/", GetAsync).WithName("GetPreferences").WithSummary("The caller's time zone, quiet hours and per-category channel choices");
        preferences.MapPut("/", SaveAsync).WithName("SavePreferences").WithSummary("Replace the caller's preferences");

        var unsubscribe = app.MapGroup("/api/notification-preferences/unsubscribe").WithTags("Preferences").AllowAnonymous();
        unsubscribe.MapPost("/", UnsubscribeAsync).WithName("Unsubscribe").DisableAntiforgery()
            .WithSummary("One-click unsubscribe (RFC 8058): the signed token names the user, category and channel");
        unsubscribe.MapGet("/", ConfirmPage).WithName("UnsubscribePage")
            .WithSummary("A page whose button unsubscribes (a GET never does: mail scanners follow links)");
        return app;
    }

    public sealed record ChannelChoice(string Category, string Channel, bool Enabled);

    /// <param name="QuietHoursStart">Local time, e.g. <c>22:00</c>; with <see cref="QuietHoursEnd"/> (may be earlier: across midnight).</param>
    public sealed record PreferencesView(string? TimeZone, TimeOnly? QuietHoursStart, TimeOnly? QuietHoursEnd, ChannelChoice[] Channels);

    private static async Task<Results<Ok<PreferencesView>, ProblemHttpResult>> GetAsync(CurrentCaller caller, CommunicationDbContext db, CancellationToken ct)
    {
        if (caller.UserId is not { } userId)
        {
            return NotAUser();
        }
        var settings = await db.RecipientSettings.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId, ct);
        var choices = await db.ChannelPreferences.AsNoTracking().Where(p => p.UserId == userId).OrderBy(p => p.Category).ThenBy(p => p.Channel).ToListAsync(ct);
        return TypedResults.Ok(new PreferencesView(settings?.TimeZone, settings?.QuietHoursStart, settings?.QuietHoursEnd,
            [.. choices.Select(c => new ChannelChoice(c.Category, c.Channel.ToString().ToLowerInvariant(), c.Enabled))]));
    }

    private static async Task<Results<Ok<PreferencesView>, ValidationProblem, ProblemHttpResult>> SaveAsync(PreferencesView change, CurrentCaller caller,
        CommunicationDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (caller.UserId is not { } userId)
        {
            return NotAUser();
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (change.TimeZone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors["timeZone"] = ["Not a known IANA time zone (e.g. Europe/Brussels)."];
        }
        if ((change.QuietHoursStart is null) != (change.QuietHoursEnd is null))
        {
            errors["quietHours"] = ["Give both quietHoursStart and quietHoursEnd, or neither."];
        }
        var choices = new List<(string Category, Channel Channel, bool Enabled)>();
        foreach (var choice in change.Channels ?? [])
        {
            if (!Enum.TryParse<Channel>(choice.Channel, ignoreCase: true, out var channel) || !Enum.IsDefined(channel) || int.TryParse(choice.Channel, out _))
            {
                errors["channels"] = [$"Unknown channel '{choice.Channel}' (email, sms, push)."];
            }
            else if (string.IsNullOrWhiteSpace(choice.Category) || choice.Category.Length > 100)
            {
                errors["channels"] = ["Each choice names a category."];
            }
            else
            {
                choices.Add((choice.Category, channel, choice.Enabled));
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var settings = await db.RecipientSettings.SingleOrDefaultAsync(s => s.UserId == userId, ct);
        if (settings is null)
        {
            db.RecipientSettings.Add(settings = new RecipientSettings { UserId = userId });
        }
        settings.TimeZone = change.TimeZone;
        settings.QuietHoursStart = change.QuietHoursStart;
        settings.QuietHoursEnd = change.QuietHoursEnd;
        settings.UpdatedAt = now;
        db.ChannelPreferences.RemoveRange(await db.ChannelPreferences.Where(p => p.UserId == userId).ToListAsync(ct));
        foreach (var (category, channel, enabled) in choices.DistinctBy(c => (c.Category, c.Channel)))
        {
            db.ChannelPreferences.Add(new ChannelPreference { UserId = userId, Category = category, Channel = channel, Enabled = enabled, UpdatedAt = now });
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(change with { Channels = [.. choices.Select(c => new ChannelChoice(c.Category, c.Channel.ToString().ToLowerInvariant(), c.Enabled))] });
    }

    private static async Task<Results<Ok<string>, BadRequest<ProblemDetailsView>>> UnsubscribeAsync(string? token, UnsubscribeTokens tokens,
        CommunicationDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (tokens.Read(token) is not { } subscription)
        {
            return TypedResults.BadRequest(new ProblemDetailsView("Invalid unsubscribe link.", "The link is damaged or was not issued by MedicalHub."));
        }
        var preference = await db.ChannelPreferences.SingleOrDefaultAsync(
            p => p.UserId == subscription.UserId && p.Category == subscription.Category && p.Channel == subscription.Channel, ct);
        if (preference is null)
        {
            db.ChannelPreferences.Add(preference = new ChannelPreference { UserId = subscription.UserId, Category = subscription.Category, Channel = subscription.Channel });
        }
        preference.Enabled = false;
        preference.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok($"You will no longer receive {subscription.Category} messages by {subscription.Channel.ToString().ToLowerInvariant()}.");
    }

    private static ContentHttpResult ConfirmPage(string? token) => TypedResults.Content($"""
        <!doctype html><meta charset="utf-8"><title>Unsubscribe</title>
        <form method="post" action="/api/notification-preferences/unsubscribe?token={Uri.EscapeDataString(token ?? "")}">
        <input type="hidden" name="List-Unsubscribe" value="One-Click"><button>Unsubscribe</button></form>
        """, "text/html");

    public sealed record ProblemDetailsView(string Title, string Detail);

    private static ProblemHttpResult NotAUser() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Preferences belong to users.", detail: "A service token has no preferences.");
}
