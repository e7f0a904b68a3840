using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data;
using MedicalHub.Data.Outbox;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>
/// Shares of the caller's organization's documents and patients' charts (<c>documents:share</c>), and what is shared with
/// the caller (<c>documents:read</c>). A share to a user is checked with Identity (an active member of the organization
/// named) and notified through Communication by the outbox, in the same transaction as the share.
/// </summary>
public static class SharesApi
{
    public const string SharePermission = "documents:share";

    public static IEndpointRouteBuilder MapSharesApi(this IEndpointRouteBuilder app)
    {
        var shares = app.MapGroup("/api/shares").WithTags("Sharing");
        shares.MapPost("/", CreateAsync).RequirePermission(SharePermission).WithName("CreateShare")
            .WithSummary("Share a document or a patient's chart with a user or a role, of this organization or another (a service: on behalf of a user)");
        var manage = shares.MapGroup("").RequirePermission(SharePermission);
        manage.MapGet("/", ListAsync).WithName("ListShares")
            .WithSummary("The organization's shares (active, expired and revoked), newest first, by document or patient");
        manage.MapDelete("/{id:guid}", RevokeAsync).WithName("RevokeShare")
            .WithSummary("Revoke a share: reads through it stop at once");

        var received = shares.MapGroup("/received").RequirePermission(DocumentsApi.ReadPermission);
        received.MapGet("/", ListReceivedAsync).WithName("ListReceivedShares")
            .WithSummary("The active shares granted to the caller (as a user or through a role), newest first");
        received.MapGet("/documents", ListReceivedDocumentsAsync).WithName("ListSharedDocuments")
            .WithSummary("The documents the caller reads through shares, from any organization, newest first");
        return app;
    }

    /// <param name="OrganizationId">A service sharing on behalf of a user (client credentials): the organization whose document it is.</param>
    /// <param name="SharedBy">A service sharing on behalf of a user: that user, recorded as the share's author.</param>
    public sealed record CreateShareRequest(Guid? DocumentId, Guid? PatientId, Guid? RecipientUserId, string? RecipientRole, Guid? RecipientOrganizationId,
        DateTimeOffset? ExpiresAt, Guid? OrganizationId = null, Guid? SharedBy = null);

    public sealed record ShareView(Guid Id, Guid OrganizationId, Guid? DocumentId, Guid? PatientId, Guid? RecipientUserId, string? RecipientRole,
        Guid RecipientOrganizationId, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, Guid CreatedBy, DateTimeOffset CreatedAt, bool Active)
    {
        public static ShareView From(Share s, DateTimeOffset now) => new(s.Id, s.OrganizationId, s.DocumentId, s.PatientId, s.RecipientUserId, s.RecipientRole,
            s.RecipientOrganizationId, s.ExpiresAt, s.RevokedAt, s.CreatedBy, s.CreatedAt, s.IsActive(now));
    }

    public sealed record SharePage(ShareView[] Items, int Page, int PageSize, int Total);

    private static async Task<Results<Created<ShareView>, Ok<ShareView>, NotFound, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateShareRequest request,
        ContentDbContext db, ShareRecipients recipients, CurrentCaller caller, OrganizationScope organization, HttpContext http, TimeProvider time,
        CancellationToken ct)
    {
        if (caller.IsService)
        {
            // A platform service (Communication attaching a document to a message) shares on behalf of one of the
            // organization's users, who it has checked reads the document; it names both.
            if (request.OrganizationId is not { } onBehalfOf || onBehalfOf == Guid.Empty || request.SharedBy is not { } sharer || sharer == Guid.Empty)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["organizationId"] = ["A service shares on behalf of a user of an organization: give organizationId and sharedBy."],
                });
            }
            organization.ActFor(onBehalfOf);
        }
        else if (request.OrganizationId is not null || request.SharedBy is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["organizationId"] = ["Only a service names the organization and the sharer."] });
        }
        if ((caller.IsService ? request.SharedBy : caller.UserId) is not { } userId || organization.OrganizationId is not { } organizationId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Shares are made by a user of an organization.");
        }
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if ((request.DocumentId is null) == (request.PatientId is null))
        {
            errors["documentId"] = ["Share either a document (documentId) or a patient's chart (patientId)."];
        }
        if ((request.RecipientUserId is null) == (request.RecipientRole is null))
        {
            errors["recipientUserId"] = ["Share with either a user (recipientUserId) or a role (recipientRole)."];
        }
        if (request.RecipientRole is { } role && (role.Trim().Length == 0 || role.Length > 100))
        {
            errors["recipientRole"] = ["A role name, 1 to 100 characters."];
        }
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            errors["expiresAt"] = ["In the future."];
        }
        if (request.RecipientUserId == userId && (request.RecipientOrganizationId ?? organizationId) == organizationId)
        {
            errors["recipientUserId"] = ["You already read your organization's documents."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (request.DocumentId is { } documentId && !await db.Documents.AnyAsync(d => d.Id == documentId, ct))
        {
            return TypedResults.NotFound();
        }
        var recipientOrganization = request.RecipientOrganizationId ?? organizationId;
        if (request.RecipientUserId is { } recipient)
        {
            switch (await recipients.CheckAsync(recipientOrganization, recipient, ct))
            {
                case ShareRecipients.Membership.NotAMember:
                    return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unknown recipient.",
                        detail: "No active member of that organization has this user id. Nothing was shared.");
                case ShareRecipients.Membership.Unknown:
                    http.Response.Headers.RetryAfter = "5";
                    return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The recipient cannot be checked now.",
                        detail: "Identity could not be asked whether the recipient exists. Nothing was shared; try again shortly.");
            }
        }

        if (caller.IsService && await db.Shares.AsNoTracking().FirstOrDefaultAsync(s => s.DocumentId == request.DocumentId && s.PatientId == request.PatientId
                && s.RecipientUserId == request.RecipientUserId && s.RecipientRole == request.RecipientRole && s.RecipientOrganizationId == recipientOrganization
                && s.ExpiresAt == null && s.RevokedAt == null, ct) is { } existing && request.ExpiresAt is null)
        {
            // A service's request repeated (its outbox delivers at least once): the share it made already stands.
            return TypedResults.Ok(ShareView.From(existing, now));
        }
        var share = new Share
        {
            DocumentId = request.DocumentId,
            PatientId = request.PatientId,
            RecipientUserId = request.RecipientUserId,
            RecipientRole = request.RecipientRole?.Trim(),
            RecipientOrganizationId = recipientOrganization,
            ExpiresAt = request.ExpiresAt,
            CreatedBy = userId,
            CreatedAt = now,
        };
        db.Shares.Add(share);
        // A service's share is part of something the service tells the recipient about itself (a message): no e-mail here.
        if (share.RecipientUserId is { } notified && !caller.IsService)
        {
            db.AddOutboxMessage(ShareNotificationHandler.MessageType, new ShareNotificationHandler.Payload(
                share.Id, notified, recipientOrganization, share.PatientId is not null, http.User.FindFirst(CallerClaims.Name)?.Value));
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/shares/{share.Id}", ShareView.From(share, now));
    }

    private static async Task<Results<Ok<SharePage>, ValidationProblem>> ListAsync(ContentDbContext db, TimeProvider time, CancellationToken ct,
        Guid? documentId = null, Guid? patientId = null, int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var shares = db.Shares.AsNoTracking();
        if (documentId is { } document)
        {
            shares = shares.Where(s => s.DocumentId == document);
        }
        if (patientId is { } patient)
        {
            shares = shares.Where(s => s.PatientId == patient);
        }
        var total = await shares.CountAsync(ct);
        var items = await shares.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new SharePage([.. items.Select(s => ShareView.From(s, now))], page, pageSize, total));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeAsync(Guid id, ContentDbContext db, CurrentCaller caller, TimeProvider time, CancellationToken ct)
    {
        var share = await db.Shares.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (share is null)
        {
            return TypedResults.NotFound();
        }
        if (share.RevokedAt is null)
        {
            share.RevokedAt = time.GetUtcNow();
            share.RevokedBy = caller.UserId;
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SharePage>, ValidationProblem>> ListReceivedAsync(ReadableDocuments readable, TimeProvider time, CancellationToken ct,
        int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (readable.Grants() is not { } grants)
        {
            return TypedResults.Ok(new SharePage([], page, pageSize, 0));
        }
        var total = await grants.CountAsync(ct);
        var items = await grants.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new SharePage([.. items.Select(s => ShareView.From(s, now))], page, pageSize, total));
    }

    private static async Task<Results<Ok<DocumentPage>, ValidationProblem>> ListReceivedDocumentsAsync(ContentDbContext db, ReadableDocuments readable,
        CancellationToken ct, int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (readable.Grants() is not { } grants)
        {
            return TypedResults.Ok(new DocumentPage([], page, pageSize, 0));
        }
        var documents = db.Documents.AcrossOrganizations().AsNoTracking()
            .Where(d => grants.Any(s => s.OrganizationId == d.OrganizationId && (s.DocumentId == d.Id || (s.PatientId != null && s.PatientId == d.PatientId))));
        var total = await documents.CountAsync(ct);
        var items = await documents.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return TypedResults.Ok(new DocumentPage([.. items.Select(DocumentView.From)], page, pageSize, total));
    }
}
