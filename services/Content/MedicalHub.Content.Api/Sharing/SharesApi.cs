using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data;
using MedicalHub.Data.Outbox;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>
/// Shares of the caller's organization's documents and patients' charts (<c>documents:share</c>), and what is shared with
/// the caller (<c>documents:read</c>). A share to a user is checked with Identity (an active member of the organization
/// named) and notified through Communication by the outbox, in the same transaction as the share.
/// </summary>
public static class SharesApi
{
    public static IEndpointRouteBuilder MapSharesApi(this IEndpointRouteBuilder app)
    {
        var shares = app.MapGroup("/api/shares").WithTags("Sharing");
        var manage = shares.MapGroup("").RequirePermission(PermissionNames.DocumentsShare);
        manage.MapPost("/", CreateAsync).WithName("CreateShare")
            .WithSummary("Share a document or a patient's chart with a user or a role, of this organization or another");
        manage.MapGet("/", ListAsync).WithName("ListShares")
            .WithSummary("The organization's shares (active, expired and revoked), newest first, by document or patient");
        manage.MapDelete("/{id:guid}", RevokeAsync).WithName("RevokeShare")
            .WithSummary("Revoke a share: reads through it stop at once");

        var received = shares.MapGroup("/received").RequirePermission(PermissionNames.DocumentsRead);
        received.MapGet("/", ListReceivedAsync).WithName("ListReceivedShares")
            .WithSummary("The active shares granted to the caller (as a user or through a role), newest first");
        received.MapGet("/documents", ListReceivedDocumentsAsync).WithName("ListSharedDocuments")
            .WithSummary("The documents the caller reads through shares, from any organization, newest first");
        return app;
    }

    /// <param name="OrganizationId">A service (client credentials) only: the organization it shares for, whose document or chart it is.</param>
    /// <param name="SharedBy">
    /// A service only, optional: the organization's user it shares on behalf of (Communication attaching a document to a
    /// message), recorded as the share's author; without it the service itself is the author (Workflow's referral saga).
    /// </param>
    public sealed record CreateShareRequest(Guid? DocumentId, Guid? PatientId, Guid? RecipientUserId, string? RecipientRole, Guid? RecipientOrganizationId,
        DateTimeOffset? ExpiresAt, Guid? OrganizationId = null, Guid? SharedBy = null);

    public sealed record ShareView(Guid Id, Guid OrganizationId, Guid? DocumentId, Guid? PatientId, Guid? RecipientUserId, string? RecipientRole,
        Guid RecipientOrganizationId, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, Guid? CreatedBy, string? CreatedByClient, DateTimeOffset CreatedAt,
        bool Active)
    {
        public static ShareView From(Share s, DateTimeOffset now) => new(s.Id, s.OrganizationId, s.DocumentId, s.PatientId, s.RecipientUserId, s.RecipientRole,
            s.RecipientOrganizationId, s.ExpiresAt, s.RevokedAt, s.CreatedBy, s.CreatedByClient, s.CreatedAt, s.IsActive(now));
    }

    public sealed record SharePage(ShareView[] Items, int Page, int PageSize, int Total);

    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 200;

    private static async Task<Results<Created<ShareView>, Ok<ShareView>, NotFound, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateShareRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, ContentDbContext db, ShareRecipients recipients, DocumentPatients patients,
        PhiAccessAudit audit, CurrentCaller caller, OrganizationScope organization, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsService && (caller.UserId is null || organization.OrganizationId is null))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Shares are made by a user of an organization, or a service on its behalf.");
        }
        var now = time.GetUtcNow();
        var errors = ActOnBehalfOf(caller, organization, request.OrganizationId) ?? new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.SharedBy is { } sharedBy && (!caller.IsService || sharedBy == Guid.Empty))
        {
            errors["sharedBy"] = [caller.IsService ? "A user's id." : "Only a service names the user it shares on behalf of."];
        }
        var author = caller.IsService ? request.SharedBy : caller.UserId;
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
        if (request.RecipientUserId is { } self && self == author && (request.RecipientOrganizationId ?? organization.OrganizationId) == organization.OrganizationId)
        {
            errors["recipientUserId"] = ["You already read your organization's documents."];
        }
        if (idempotencyKey is not null && (idempotencyKey.Trim().Length == 0 || idempotencyKey.Length > MaxIdempotencyKeyLength))
        {
            errors["idempotencyKey"] = [$"An Idempotency-Key is 1 to {MaxIdempotencyKeyLength} characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var organizationId = organization.OrganizationId!.Value;
        var recipientOrganization = request.RecipientOrganizationId ?? organizationId;
        var recipientRole = request.RecipientRole?.Trim();

        if (idempotencyKey is not null && await ReplayAsync(db, request, idempotencyKey, recipientOrganization, http, now, ct) is { } replayed)
        {
            return replayed;
        }
        if (idempotencyKey is null && caller.IsService && request.ExpiresAt is null && await db.Shares.AsNoTracking().FirstOrDefaultAsync(s =>
                s.DocumentId == request.DocumentId && s.PatientId == request.PatientId && s.RecipientUserId == request.RecipientUserId
                && s.RecipientRole == recipientRole && s.RecipientOrganizationId == recipientOrganization && s.ExpiresAt == null && s.RevokedAt == null, ct)
            is { } standing)
        {
            // A service's request repeated without a key (its outbox delivers at least once): the share it made already stands.
            return TypedResults.Ok(ShareView.From(standing, now));
        }
        audit.StatedPurposeOfUse();
        Guid? patientId = null;
        if (request.DocumentId is { } documentId)
        {
            var document = await db.Documents.AsNoTracking().Where(d => d.Id == documentId).Select(d => new { d.PatientId }).SingleOrDefaultAsync(ct);
            if (document is null)
            {
                return TypedResults.NotFound();
            }
            patientId = document.PatientId;
        }
        else if (await patients.ResolveAsync(request.PatientId!.Value, ct) is { } chart)
        {
            patientId = chart; // a merged record's chart is its survivor's
        }
        else
        {
            return TypedResults.NotFound();
        }
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

        var share = new Share
        {
            DocumentId = request.DocumentId,
            PatientId = request.DocumentId is null ? patientId : null,
            RecipientUserId = request.RecipientUserId,
            RecipientRole = recipientRole,
            RecipientOrganizationId = recipientOrganization,
            ExpiresAt = request.ExpiresAt,
            CreatedBy = author,
            CreatedByClient = caller.IsService ? caller.ClientId ?? "service" : null,
            IdempotencyKey = idempotencyKey,
            CreatedAt = now,
        };
        db.Shares.Add(share);
        // A service's share is part of something the service tells the recipient about itself (a message, a referral): no e-mail here.
        if (share.RecipientUserId is { } notified && !caller.IsService)
        {
            db.AddOutboxMessage(ShareNotificationHandler.MessageType, new ShareNotificationHandler.Payload(
                share.Id, notified, recipientOrganization, share.PatientId is not null, http.User.FindFirst(ClaimNames.Name)?.Value));
        }
        try
        {
            await audit.SaveWithRecordAsync(db, Recorded(share, PhiActions.Share, patientId), ct);
        }
        catch (DbUpdateException ex) when (idempotencyKey is not null && ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same key, committed meanwhile by a concurrent request: answer what it made.
            db.ChangeTracker.Clear();
            return await ReplayAsync(db, request, idempotencyKey, recipientOrganization, http, now, ct)
                ?? throw new InvalidOperationException("The idempotency key conflicted but no share holds it.");
        }
        return TypedResults.Created($"/api/shares/{share.Id}", ShareView.From(share, now));
    }

    /// <summary>The record of a share made or revoked: the document (or the chart), the patient, and whom it is for.</summary>
    private static PhiAccess Recorded(Share share, string action, Guid? patientId) => new(action,
        share.DocumentId is null ? "Patient" : "DocumentReference", (share.DocumentId ?? share.PatientId)?.ToString(), patientId is { } p ? [p] : [],
        Detail: $"share {share.Id} to {(share.RecipientUserId is { } user ? $"user {user}" : $"role {share.RecipientRole}")} of organization {share.RecipientOrganizationId}");

    /// <summary>The share an earlier request with the same key made (200), a 422 when that request asked for another share, or null when the key is new.</summary>
    private static async Task<Results<Created<ShareView>, Ok<ShareView>, NotFound, ValidationProblem, ProblemHttpResult>?> ReplayAsync(ContentDbContext db,
        CreateShareRequest request, string key, Guid recipientOrganization, HttpContext http, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.Shares.AsNoTracking().SingleOrDefaultAsync(s => s.IdempotencyKey == key, ct);
        if (existing is null)
        {
            return null;
        }
        if (existing.DocumentId != request.DocumentId || existing.PatientId != request.PatientId || existing.RecipientUserId != request.RecipientUserId
            || existing.RecipientRole != request.RecipientRole?.Trim() || existing.RecipientOrganizationId != recipientOrganization || existing.ExpiresAt != request.ExpiresAt)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused.",
                detail: "This idempotency key was already used for a different share; use a new key for a new share.");
        }
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(ShareView.From(existing, now));
    }

    private static async Task<Results<Ok<SharePage>, ValidationProblem>> ListAsync(ContentDbContext db, CurrentCaller caller, OrganizationScope organization,
        TimeProvider time, CancellationToken ct, Guid? documentId = null, Guid? patientId = null, int page = 1, int pageSize = 50, Guid? organizationId = null)
    {
        if ((ActOnBehalfOf(caller, organization, organizationId) ?? Paging.Validate(page, pageSize)) is { } errors)
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

    /// <summary>A service names the organization it acts for (<paramref name="organizationId"/>); a user revokes within the token's.</summary>
    private static async Task<Results<NoContent, NotFound, ValidationProblem>> RevokeAsync(Guid id, ContentDbContext db, PhiAccessAudit audit, CurrentCaller caller,
        OrganizationScope organization, TimeProvider time, CancellationToken ct, Guid? organizationId = null)
    {
        if (ActOnBehalfOf(caller, organization, organizationId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var share = await db.Shares.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (share is null)
        {
            return TypedResults.NotFound();
        }
        if (share.RevokedAt is null)
        {
            share.RevokedAt = time.GetUtcNow();
            share.RevokedBy = caller.IsService ? null : caller.UserId;
            share.RevokedByClient = caller.IsService ? caller.ClientId ?? "service" : null;
            var patientId = share.PatientId
                ?? await db.Documents.IgnoreQueryFilters([Document.NotDeletedFilter]).Where(d => d.Id == share.DocumentId).Select(d => d.PatientId).SingleOrDefaultAsync(ct);
            await audit.SaveWithRecordAsync(db, Recorded(share, PhiActions.Revoke, patientId), ct);
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
        await readable.RecordSearchAsync(items, "received", ct);
        return TypedResults.Ok(new DocumentPage([.. items.Select(DocumentView.From)], page, pageSize, total));
    }

    /// <summary>
    /// Which organization the request acts for: a service (Workflow's referral saga, Communication's attachments) names it,
    /// <paramref name="organizationId"/>, and from now on acts for it; a user acts for the token's and names none. The
    /// validation errors when not.
    /// </summary>
    private static Dictionary<string, string[]>? ActOnBehalfOf(CurrentCaller caller, OrganizationScope organization, Guid? organizationId)
    {
        if (caller.IsService)
        {
            if (organizationId is not { } named || named == Guid.Empty)
            {
                return new(StringComparer.Ordinal) { ["organizationId"] = ["A service acts on behalf of an organization: give its id."] };
            }
            organization.ActFor(named);
            return null;
        }
        return organizationId is null
            ? null
            : new(StringComparer.Ordinal) { ["organizationId"] = ["Only a service names the organization; a user acts within the organization of their token."] };
    }
}
