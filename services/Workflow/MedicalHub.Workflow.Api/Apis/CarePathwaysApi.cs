using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Apis;

/// <summary>
/// The care pathways of the caller's organization (the token's <c>org_id</c>): create a draft, list, read. Queries carry
/// no organization condition of their own: the context's organization filter scopes them, so another organization's
/// pathway is simply not found (404, never 403), and a new pathway gets the caller's organization when it is saved.
/// </summary>
public static class CarePathwaysApi
{
    public const int MaxNameLength = 200;

    public static IEndpointRouteBuilder MapCarePathwaysApi(this IEndpointRouteBuilder app)
    {
        var pathways = app.MapGroup("/api/care-pathways").WithTags("Care pathways");
        pathways.MapPost("/", CreateAsync).WithName("CreateCarePathway")
            .WithSummary("Create a draft care pathway").RequirePermission(PermissionNames.WorkflowsManage);
        pathways.MapGet("/", ListAsync).WithName("ListCarePathways")
            .WithSummary("The organization's care pathways, newest first").RequirePermission(PermissionNames.WorkflowsRead);
        pathways.MapGet("/{id:guid}", GetAsync).WithName("GetCarePathway")
            .WithSummary("One care pathway").RequirePermission(PermissionNames.WorkflowsRead);
        return app;
    }

    public sealed record CreateCarePathwayRequest(string? Name);

    public sealed record CarePathwayView(Guid Id, string Name, string Status, DateTimeOffset CreatedAt)
    {
        public static CarePathwayView From(CarePathway p) => new(p.Id, p.Name, p.Status.ToString().ToLowerInvariant(), p.CreatedAt);
    }

    public sealed record CarePathwayPage(CarePathwayView[] Items, int Page, int PageSize, int Total);

    private static async Task<Results<Created<CarePathwayView>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateCarePathwayRequest request,
        WorkflowDbContext db, OrganizationScope organizations, TimeProvider time, CancellationToken ct)
    {
        if (organizations.OrganizationId is null)
        {
            // A service's token (client credentials) acts for no organization: there is nowhere to put the pathway.
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The token acts for no organization.",
                detail: "Care pathways belong to an organization; sign in as one of its members.");
        }
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["name"] = [$"A name is required: 1 to {MaxNameLength} characters, no control characters."],
            });
        }

        var pathway = new CarePathway { Name = name, Status = CarePathwayStatus.Draft, CreatedAt = time.GetUtcNow() };
        db.CarePathways.Add(pathway);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/care-pathways/{pathway.Id}", CarePathwayView.From(pathway));
    }

    private static async Task<Results<Ok<CarePathwayPage>, ValidationProblem>> ListAsync(WorkflowDbContext db, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var pathways = db.CarePathways.AsNoTracking();
        var total = await pathways.CountAsync(ct);
        var items = await pathways.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new CarePathwayPage([.. items.Select(CarePathwayView.From)], page, pageSize, total));
    }

    private static async Task<Results<Ok<CarePathwayView>, NotFound>> GetAsync(Guid id, WorkflowDbContext db, CancellationToken ct)
    {
        var pathway = await db.CarePathways.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        return pathway is null ? TypedResults.NotFound() : TypedResults.Ok(CarePathwayView.From(pathway));
    }
}
