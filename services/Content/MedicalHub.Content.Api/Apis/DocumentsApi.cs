using MedicalHub.Data;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Model;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Apis;

/// <summary>
/// The documents of the caller's organization (the token's <c>org_id</c>). Queries carry no organization condition of
/// their own: the context's organization filter scopes them, so another organization's document is simply not found
/// (404, never 403), and a token without an organization sees none.
/// </summary>
public static class DocumentsApi
{
    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/api/documents").WithTags("Documents").RequirePermission(PermissionNames.DocumentsRead);
        documents.MapGet("/", ListAsync).WithName("ListDocuments")
            .WithSummary("The organization's documents, newest first");
        documents.MapGet("/{id:guid}", GetAsync).WithName("GetDocument")
            .WithSummary("One document's metadata");
        return app;
    }

    public sealed record DocumentView(Guid Id, string Title, string MediaType, long SizeBytes, Guid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static DocumentView From(Document d) => new(d.Id, d.Title, d.MediaType, d.SizeBytes, d.CreatedBy, d.CreatedAt, d.UpdatedAt);
    }

    public sealed record DocumentPage(DocumentView[] Items, int Page, int PageSize, int Total);

    private static async Task<Results<Ok<DocumentPage>, ValidationProblem>> ListAsync(ContentDbContext db, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var documents = db.Documents.AsNoTracking();
        var total = await documents.CountAsync(ct);
        var items = await documents.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new DocumentPage([.. items.Select(DocumentView.From)], page, pageSize, total));
    }

    private static async Task<Results<Ok<DocumentView>, NotFound>> GetAsync(Guid id, ContentDbContext db, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        return document is null ? TypedResults.NotFound() : TypedResults.Ok(DocumentView.From(document));
    }
}
