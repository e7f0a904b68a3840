using MedicalHub.Identity.Api.Tokens.Grants;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>
/// <c>POST /connect/token</c>. OpenIddict has already validated the request (client, grant type, scopes); malformed
/// requests never get here. Each grant type is an <see cref="ITokenGrant"/> of <c>Tokens/Grants/</c>.
/// </summary>
public static class TokenApi
{
    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", ExchangeAsync)
            .ExcludeFromDescription(); // an OAuth 2.0 form endpoint, described by the discovery document
        return app;
    }

    private static Task<IResult> ExchangeAsync(HttpContext http, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        return request.GrantType is { } grantType && http.RequestServices.GetKeyedService<ITokenGrant>(grantType) is { } grant
            ? grant.ExchangeAsync(request, http, ct)
            : Task.FromResult(OAuthResults.Forbid(Errors.UnsupportedGrantType, "The grant type is not supported."));
    }
}
