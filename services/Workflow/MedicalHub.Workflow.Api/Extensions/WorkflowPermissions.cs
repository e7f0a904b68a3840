using System.Security.Claims;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalHub.Workflow.Api.Extensions;

/// <summary>Who the caller is to Workflow (the permissions its endpoints require are MedicalHub.Security's <c>PermissionNames</c>).</summary>
public static class WorkflowPermissions
{
    /// <summary>403 ProblemDetails for a token that acts for no organization (a service's client-credentials token), null otherwise.</summary>
    public static ProblemHttpResult? WithoutOrganization(OrganizationScope organizations) => organizations.OrganizationId is null
        ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The token acts for no organization.",
            detail: "Care pathways and tasks belong to an organization; sign in as one of its members.")
        : null;

    /// <summary>How history and steps name the caller: <c>user:&lt;id&gt;</c> (or <c>service:&lt;client&gt;</c>).</summary>
    public static string ActorName(CurrentCaller caller) => caller.IsService ? $"service:{caller.ClientId}" : $"user:{caller.UserId}";

    /// <summary>The caller as a task actor: id, role names from the token, and whether they manage pathways.</summary>
    public static TaskActions.Actor TaskActor(CurrentCaller caller, ClaimsPrincipal user) => new(
        caller.UserId ?? Guid.Empty,
        user.FindAll(ClaimNames.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        caller.HasPermission(PermissionNames.WorkflowsManage));
}
