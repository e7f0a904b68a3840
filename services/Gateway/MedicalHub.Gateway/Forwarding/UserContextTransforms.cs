using System.Security.Claims;
using MedicalHub.Security.Claims;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace MedicalHub.Gateway.Forwarding;

/// <summary>
/// On every route: the caller's <c>X-User-Id</c>, <c>X-Tenant-Id</c> and <c>X-Permissions</c> are
/// dropped, and set again only from the token the gateway validated. The services still validate the
/// token themselves; the headers are a convenience (logs, quick routing), never proof.
/// </summary>
public sealed class UserContextTransforms : ITransformProvider
{
    public const string UserIdHeader = "X-User-Id";
    public const string TenantIdHeader = "X-Tenant-Id";
    public const string PermissionsHeader = "X-Permissions";

    public void ValidateRoute(TransformRouteValidationContext context) { }

    public void ValidateCluster(TransformClusterValidationContext context) { }

    public void Apply(TransformBuilderContext context)
    {
        // The service sees the public host the caller used, so the URLs it writes (OpenID Connect
        // discovery, Location headers) point at the gateway, not at the service's internal address.
        context.AddOriginalHost(true);
        context.AddRequestTransform(ApplyUserContext);
    }

    private static ValueTask ApplyUserContext(RequestTransformContext transform)
    {
        var headers = transform.ProxyRequest.Headers;
        headers.Remove(UserIdHeader);
        headers.Remove(TenantIdHeader);
        headers.Remove(PermissionsHeader);

        var user = transform.HttpContext.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            SetFromClaim(headers, UserIdHeader, user.FindFirstValue(ClaimNames.Subject));
            SetFromClaim(headers, TenantIdHeader, user.FindFirstValue(ClaimNames.Organization));
            var permissions = user.FindAll(ClaimNames.Permission).Select(c => c.Value).ToArray();
            if (permissions.Length > 0)
            {
                headers.TryAddWithoutValidation(PermissionsHeader, string.Join(' ', permissions));
            }
        }

        headers.Remove(RequestIds.HeaderName);
        headers.TryAddWithoutValidation(RequestIds.HeaderName, transform.HttpContext.TraceIdentifier);
        return ValueTask.CompletedTask;
    }

    private static void SetFromClaim(System.Net.Http.Headers.HttpRequestHeaders headers, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
