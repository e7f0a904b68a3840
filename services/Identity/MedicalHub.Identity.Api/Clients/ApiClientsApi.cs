using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Identity.Api.Organizations.AdministrationResults;

namespace MedicalHub.Identity.Api.Clients;

/// <summary>
/// Integrators' API clients of the current organization: client id + secret (shown once) for the
/// client-credentials grant; their tokens carry the organization and the permissions chosen here.
/// </summary>
public static class ApiClientsApi
{
    public static IEndpointRouteBuilder MapApiClientsApi(this IEndpointRouteBuilder app)
    {
        var clients = app.MapGroup("/api/organizations/current/clients").WithTags("API clients")
            .RequireAuthorization().RequirePermission(PermissionNames.OrgManage);
        clients.MapPost("/", CreateAsync).WithName("CreateApiClient")
            .WithSummary("Create an API client: the answer holds its secret, which is shown only this once");
        clients.MapGet("/", ListAsync).WithName("ListApiClients").WithSummary("The organization's API clients (no secrets)");
        clients.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteApiClient").WithSummary("Delete an API client: it gets no more tokens");
        clients.MapPost("/{id:guid}/rotate-secret", RotateAsync).WithName("RotateApiClientSecret")
            .WithSummary("Replace the client's secret (shown only this once); the old one stops working at once");
        return app;
    }

    public sealed record ClientRequest([Required, StringLength(200, MinimumLength = 2)] string Name, [Required, MinLength(1), MaxLength(50)] string[] Permissions);

    public sealed record ClientView(Guid Id, string ClientId, string Name, string[] Permissions, Guid CreatedByUserId, DateTimeOffset CreatedAt, DateTimeOffset? SecretRotatedAt);

    public sealed record ClientWithSecret(Guid Id, string ClientId, string ClientSecret, string Name, string[] Permissions, DateTimeOffset CreatedAt);

    private static async Task<Results<Created<ClientWithSecret>, ValidationProblem>> CreateAsync(ClientRequest request, ClaimsPrincipal principal,
        ApiClients clients, IAuditTrail audit, CancellationToken ct)
    {
        if (PermissionErrors(request.Permissions, principal) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var organizationId = principal.RequiredOrganizationId();
        var (client, secret) = await clients.CreateAsync(organizationId, principal.UserId(), request.Name.Trim(),
            [.. request.Permissions.Distinct().Order(StringComparer.Ordinal)], ct);
        await audit.RecordAsync(new(AuditActions.ClientCreated, AuditOutcomes.Success, organizationId, principal.UserId(),
            Reason: $"'{client.Name}': {string.Join(",", client.Permissions)}", ClientId: client.ClientId), ct);
        return TypedResults.Created($"/api/organizations/current/clients/{client.Id}",
            new ClientWithSecret(client.Id, client.ClientId, secret, client.Name, client.Permissions, client.CreatedAt));
    }

    private static async Task<Ok<ClientView[]>> ListAsync(ClaimsPrincipal principal, IdentityServiceDbContext db, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var clients = await db.ApiClients.AsNoTracking().Where(c => c.OrganizationId == organizationId).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(clients.Select(c => new ClientView(c.Id, c.ClientId, c.Name, c.Permissions, c.CreatedByUserId, c.CreatedAt, c.SecretRotatedAt)).ToArray());
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ClaimsPrincipal principal, IdentityServiceDbContext db,
        ApiClients clients, IAuditTrail audit, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var client = await db.ApiClients.SingleOrDefaultAsync(c => c.Id == id && c.OrganizationId == organizationId, ct);
        if (client is null)
        {
            return TypedResults.NotFound();
        }
        await clients.DeleteAsync(client, ct);
        await audit.RecordAsync(new(AuditActions.ClientDeleted, AuditOutcomes.Success, organizationId, principal.UserId(), Reason: $"'{client.Name}'", ClientId: client.ClientId), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ClientWithSecret>, NotFound>> RotateAsync(Guid id, ClaimsPrincipal principal, IdentityServiceDbContext db,
        ApiClients clients, IAuditTrail audit, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var client = await db.ApiClients.SingleOrDefaultAsync(c => c.Id == id && c.OrganizationId == organizationId, ct);
        if (client is null)
        {
            return TypedResults.NotFound();
        }
        var secret = await clients.RotateSecretAsync(client, ct);
        await audit.RecordAsync(new(AuditActions.ClientSecretRotated, AuditOutcomes.Success, organizationId, principal.UserId(), Reason: $"'{client.Name}'", ClientId: client.ClientId), ct);
        return TypedResults.Ok(new ClientWithSecret(client.Id, client.ClientId, secret, client.Name, client.Permissions, client.CreatedAt));
    }
}
