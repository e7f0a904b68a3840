using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Security.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Inbox;

/// <summary>
/// The caller's inbox in the app: the notifications sent to them on the in-app channel by their current organization
/// (the organization filter scopes every query), newest first, with what they have read. Nobody reads or marks another
/// user's items: an item that is not the caller's is not found.
/// </summary>
public static class InboxApi
{
    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var inbox = app.MapGroup("/api/inbox").WithTags("Inbox").RequireAuthorization();
        inbox.MapGet("/", ListAsync).WithName("ListInbox").WithSummary("The caller's in-app notifications, newest first, with the unread count");
        inbox.MapPost("/{id:guid}/read", MarkReadAsync).WithName("MarkInboxItemRead").WithSummary("Mark one item read");
        inbox.MapPost("/read", MarkAllReadAsync).WithName("MarkInboxRead").WithSummary("Mark every item read");
        return app;
    }

    public sealed record InboxItem(Guid Id, Guid NotificationId, string Category, string? Subject, string? Body, DateTimeOffset? SentAt, DateTimeOffset? ReadAt);

    public sealed record InboxPage(InboxItem[] Items, int Page, int PageSize, int Total, int Unread);

    /// <summary>What the hub pushes to the recipient's connections when an item arrives.</summary>
    public sealed record InboxPush(Guid NotificationId, string? Subject, string? Body);

    public const int MaxPageSize = 100;

    private static async Task<Results<Ok<InboxPage>, ValidationProblem, ProblemHttpResult>> ListAsync(CurrentCaller caller, CommunicationDbContext db,
        bool unreadOnly = false, int page = 1, int pageSize = 20, CancellationToken ct = default)
    {
        if (caller.UserId is not { } userId || caller.OrganizationId is null)
        {
            return NotAUser();
        }
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [page < 1 ? "page" : "pageSize"] = [page < 1 ? "1 or more." : $"1 to {MaxPageSize}."],
            });
        }
        var mine = ItemsOf(db, userId);
        var shown = unreadOnly ? mine.Where(d => d.ReadAt == null) : mine;
        var total = await shown.CountAsync(ct);
        var unread = unreadOnly ? total : await mine.CountAsync(d => d.ReadAt == null, ct);
        var items = await shown.OrderByDescending(d => d.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Join(db.Notifications, d => d.NotificationId, n => n.Id, (d, n) => new InboxItem(d.Id, d.NotificationId, n.Category, d.Subject, d.TextBody, d.SentAt, d.ReadAt))
            .ToArrayAsync(ct);
        return TypedResults.Ok(new InboxPage(items, page, pageSize, total, unread));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> MarkReadAsync(Guid id, CurrentCaller caller, CommunicationDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        if (caller.UserId is not { } userId || caller.OrganizationId is null)
        {
            return NotAUser();
        }
        var now = time.GetUtcNow();
        var item = ItemsOf(db, userId).Where(d => d.Id == id);
        // Marking twice keeps the first time.
        var marked = await item.Where(d => d.ReadAt == null).ExecuteUpdateAsync(u => u.SetProperty(d => d.ReadAt, now), ct);
        return marked == 1 || await item.AnyAsync(ct) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<int>, ProblemHttpResult>> MarkAllReadAsync(CurrentCaller caller, CommunicationDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (caller.UserId is not { } userId || caller.OrganizationId is null)
        {
            return NotAUser();
        }
        var now = time.GetUtcNow();
        return TypedResults.Ok(await ItemsOf(db, userId).Where(d => d.ReadAt == null).ExecuteUpdateAsync(u => u.SetProperty(d => d.ReadAt, now), ct));
    }

    /// <summary>The in-app deliveries to <paramref name="userId"/> that reached the inbox, in the organization in scope.</summary>
    private static IQueryable<NotificationDelivery> ItemsOf(CommunicationDbContext db, Guid userId)
    {
        var address = userId.ToString();
        return db.Deliveries.Where(d => d.Channel == Channel.InApp && d.Address == address
            && (d.Status == NotificationStatus.Sent || d.Status == NotificationStatus.Delivered));
    }

    private static ProblemHttpResult NotAUser() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "An inbox belongs to a user of an organization.",
            detail: "A service token, or a token without an organization, has no inbox.");
}
