using MedicalHub.Data;
using MedicalHub.Communication.Api.Engine;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Communication.Api.Notifications;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Apis;

/// <summary>
/// Notifications of the caller's organization (the token's <c>org_id</c>): send, follow, list, cancel. Every query is
/// scoped to that organization by the context's organization filter (no explicit condition here), so another
/// organization's notifications are simply not found. Services (client credentials) have no organization of their own:
/// they send and list on behalf of the organization named in the request, and see nothing otherwise.
/// </summary>
public static class NotificationsApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/notifications").WithTags("Notifications").RequirePermission(PermissionNames.MessagesSend, allowServiceClients: true);
        notifications.MapPost("/", SendAsync).WithName("SendNotification")
            .WithSummary("Accept a notification for delivery (idempotent per Idempotency-Key)");
        notifications.MapGet("/{id:guid}", GetAsync).WithName("GetNotification")
            .WithSummary("A notification's status per channel, with every delivery attempt");
        notifications.MapGet("/", ListAsync).WithName("ListNotifications")
            .WithSummary("The organization's notifications, newest first, by recipient and status");
        notifications.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelNotification")
            .WithSummary("Cancel a notification that is still queued or scheduled");
        return app;
    }

    private static async Task<Results<Accepted<NotificationAccepted>, ValidationProblem, ProblemHttpResult>> SendAsync(
        SendNotificationRequest request, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        NotificationIntake intake, CurrentCaller caller, OrganizationScope organizations, HttpContext http, CancellationToken ct)
    {
        if (caller.IsService && request.OrganizationId is { } onBehalfOf && onBehalfOf != Guid.Empty)
        {
            // The intake validates the rest (a service naming no organization is a 400 there).
            organizations.ActFor(onBehalfOf);
        }
        switch (await intake.AcceptAsync(request, idempotencyKey, caller, ct))
        {
            case NotificationIntake.Accepted accepted:
                if (accepted.Replayed)
                {
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                }
                var n = accepted.Notification;
                return TypedResults.Accepted($"/api/notifications/{n.Id}", new NotificationAccepted(n.Id, NotificationView.StatusName(n.Status)));
            case NotificationIntake.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors);
            case NotificationIntake.Unprocessable problem:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: problem.Title, detail: problem.Detail);
            case MemberDirectory.RecipientUnavailable unavailable:
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(unavailable.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: MemberDirectory.RecipientUnavailable.Title,
                    detail: MemberDirectory.RecipientUnavailable.Detail);
            default:
                throw new InvalidOperationException("Unexpected intake outcome.");
        }
    }

    private static async Task<Results<Ok<NotificationView>, NotFound>> GetAsync(Guid id, CommunicationDbContext db, CancellationToken ct)
    {
        var notification = await Visible(db)
            .Include(n => n.Deliveries).ThenInclude(d => d.AttemptLog)
            .AsSplitQuery()
            .SingleOrDefaultAsync(n => n.Id == id, ct);
        return notification is null ? TypedResults.NotFound() : TypedResults.Ok(NotificationView.From(notification));
    }

    private static async Task<Results<Ok<NotificationPage>, ValidationProblem>> ListAsync(CurrentCaller caller, CommunicationDbContext db,
        OrganizationScope organizations, CancellationToken ct,
        string? recipient = null, string? status = null, int page = 1, int pageSize = 50, Guid? organizationId = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        NotificationStatus? wanted = null;
        if (status is not null)
        {
            if (Enum.TryParse<NotificationStatus>(status, ignoreCase: true, out var parsed) && !int.TryParse(status, out _))
            {
                wanted = parsed;
            }
            else
            {
                errors["status"] = ["One of queued, scheduled, sending, sent, delivered, failed, bounced, cancelled."];
            }
        }
        Paging.AddErrors(errors, page, pageSize);
        if (caller.IsService && (organizationId is null || organizationId == Guid.Empty))
        {
            errors["organizationId"] = ["A service lists one organization's notifications at a time."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (caller.IsService)
        {
            organizations.ActFor(organizationId!.Value);
        }
        var query = Visible(db);
        if (recipient is not null)
        {
            query = Guid.TryParse(recipient, out var userId)
                ? query.Where(n => n.RecipientUserId == userId || n.Recipient == recipient)
                : query.Where(n => n.Recipient == recipient);
        }
        if (wanted is { } s)
        {
            query = query.Where(n => n.Status == s);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(n => new { n.Id, n.Category, n.Recipient, n.Status, n.SendAt, n.CreatedAt })
            .ToListAsync(ct);
        return TypedResults.Ok(new NotificationPage(
            [.. items.Select(n => new NotificationSummary(n.Id, n.Category, n.Recipient, NotificationView.StatusName(n.Status), n.SendAt, n.CreatedAt))],
            page, pageSize, total));
    }

    private static async Task<Results<Ok<NotificationView>, NotFound, ProblemHttpResult>> CancelAsync(Guid id, CommunicationDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        if (!await Visible(db).AnyAsync(n => n.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        var strategy = db.Database.CreateExecutionStrategy();
        var cancelled = await strategy.ExecuteAsync(async token =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            // Lock the channels so the engine (which skips locked rows) cannot claim one while they are cancelled.
            var statuses = await db.Deliveries
                .FromSqlInterpolated($"SELECT * FROM deliveries WHERE notification_id = {id} FOR UPDATE")
                .AsNoTracking()
                .Select(d => d.Status)
                .ToListAsync(token);
            if (statuses.Count == 0 || !statuses.All(NotificationStatusRules.IsCancellable))
            {
                return false;
            }
            var now = time.GetUtcNow();
            await db.Deliveries.Where(d => d.NotificationId == id)
                .ExecuteUpdateAsync(d => d.SetProperty(x => x.Status, NotificationStatus.Cancelled).SetProperty(x => x.UpdatedAt, now), token);
            await NotificationStatusUpdater.RefreshAsync(db, id, now, token);
            await transaction.CommitAsync(token);
            return true;
        }, ct);

        if (!cancelled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The notification can no longer be cancelled.",
                detail: "Only a notification whose every channel is still queued or scheduled can be cancelled.");
        }
        var notification = await db.Notifications.AsNoTracking().Include(n => n.Deliveries).ThenInclude(d => d.AttemptLog).AsSplitQuery().SingleAsync(n => n.Id == id, ct);
        return TypedResults.Ok(NotificationView.From(notification));
    }

    /// <summary>What the caller may see: the organization in scope's notifications (the organization filter), nothing without one.</summary>
    private static IQueryable<Notification> Visible(CommunicationDbContext db) => db.Notifications.AsNoTracking();
}
