using System.Security.Claims;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.Security.Tests;

/// <summary>
/// How every service decides whether a caller holds a permission: the policy <see cref="PermissionEndpointExtensions.RequirePermission"/>
/// puts on an endpoint, judged by the authorization service <see cref="PermissionEndpointExtensions.AddPermissionPolicies"/> sets up.
/// </summary>
public sealed class PermissionEvaluationTests
{
    private static readonly IAuthorizationService Authorization = new ServiceCollection()
        .AddLogging()
        .AddPermissionPolicies()
        .BuildServiceProvider()
        .GetRequiredService<IAuthorizationService>();

    private static ClaimsPrincipal Caller(string? clientKind = null, bool authenticated = true, params string[] permissions)
    {
        var claims = new List<Claim> { new(ClaimNames.Subject, Guid.CreateVersion7().ToString()), new(ClaimNames.Organization, Guid.CreateVersion7().ToString()) };
        claims.AddRange(permissions.Select(p => new Claim(ClaimNames.Permission, p)));
        if (clientKind is not null)
        {
            claims.Add(new Claim(ClaimNames.ClientKind, clientKind));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticated ? "Bearer" : null));
    }

    /// <summary>The policy an endpoint gets from <c>RequirePermission</c>, as ASP.NET Core's authorization middleware finds it.</summary>
    private static AuthorizationPolicy PolicyOf(string permission, bool allowServiceClients = false)
    {
        var conventions = new Conventions();
        conventions.RequirePermission(permission, allowServiceClients);
        var endpoint = new RouteEndpointBuilder(_ => Task.CompletedTask, RoutePatternFactory.Parse("/"), 0);
        conventions.Apply(endpoint);
        return Assert.Single(endpoint.Metadata.OfType<AuthorizationPolicy>());
    }

    private static async Task<bool> AllowedAsync(ClaimsPrincipal caller, string permission, bool allowServiceClients = false) =>
        (await Authorization.AuthorizeAsync(caller, resource: null, PolicyOf(permission, allowServiceClients))).Succeeded;

    [Fact]
    public async Task A_caller_holding_the_permission_is_allowed()
    {
        Assert.True(await AllowedAsync(Caller(permissions: [PermissionNames.UsersRead, PermissionNames.DocumentsRead]), PermissionNames.DocumentsRead));
    }

    [Fact]
    public async Task A_caller_without_it_is_not_even_with_every_other_permission()
    {
        var everythingElse = PermissionNames.Catalogue.Keys.Where(p => p != PermissionNames.AuditRead).ToArray();

        Assert.False(await AllowedAsync(Caller(permissions: everythingElse), PermissionNames.AuditRead));
    }

    [Theory]
    [InlineData("Documents:Read")]
    [InlineData("documents:*")]
    [InlineData("documents")]
    [InlineData(" documents:read")]
    public async Task Permission_names_match_exactly(string held)
    {
        Assert.False(await AllowedAsync(Caller(permissions: [held]), PermissionNames.DocumentsRead));
    }

    [Fact]
    public async Task An_unauthenticated_caller_is_not_allowed_whatever_it_claims()
    {
        Assert.False(await AllowedAsync(Caller(authenticated: false, permissions: [PermissionNames.DocumentsRead]), PermissionNames.DocumentsRead));
    }

    [Fact]
    public async Task A_service_passes_without_the_permission_only_where_the_endpoint_admits_services()
    {
        var service = Caller(clientKind: ClientKinds.Service);

        Assert.True(await AllowedAsync(service, PermissionNames.MessagesSend, allowServiceClients: true));
        Assert.False(await AllowedAsync(service, PermissionNames.MessagesSend));
    }

    [Fact]
    public async Task An_integration_s_client_is_judged_on_its_permissions_like_a_user()
    {
        Assert.False(await AllowedAsync(Caller(clientKind: ClientKinds.Integration), PermissionNames.MessagesSend, allowServiceClients: true));
        Assert.True(await AllowedAsync(Caller(clientKind: ClientKinds.Integration, permissions: [PermissionNames.MessagesSend]), PermissionNames.MessagesSend));
    }

    [Fact]
    public void The_current_caller_of_a_service_token_is_no_user_and_speaks_for_no_organization_of_its_own()
    {
        var service = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimNames.Subject, "communication"), new Claim(ClaimNames.ClientKind, ClientKinds.Service), new Claim(ClaimNames.Permission, PermissionNames.DocumentsRead)],
            "Bearer"));

        var caller = CurrentCaller.From(service);

        Assert.True(caller.IsService);
        Assert.Null(caller.UserId);
        Assert.Null(caller.OrganizationId);
        Assert.True(caller.HasPermission(PermissionNames.DocumentsRead));
        Assert.False(CurrentCaller.From(null).IsAuthenticated);
    }

    [Fact]
    public void Every_service_only_permission_is_outside_the_catalogue_roles_grant_from()
    {
        Assert.NotEmpty(PermissionNames.ServiceOnly);
        Assert.All(PermissionNames.ServiceOnly, p => Assert.DoesNotContain(p, PermissionNames.Catalogue.Keys));
    }

    private sealed class Conventions : IEndpointConventionBuilder
    {
        private readonly List<Action<EndpointBuilder>> _conventions = [];

        public void Add(Action<EndpointBuilder> convention) => _conventions.Add(convention);

        public void Apply(EndpointBuilder endpoint) => _conventions.ForEach(c => c(endpoint));
    }
}
