using OpenIddict.Abstractions;

namespace MedicalHub.Identity.Api.Tokens.Grants;

/// <summary>
/// One grant type of the token endpoint, registered as a keyed service under its <c>grant_type</c>
/// (<see cref="TokenGrantExtensions.AddTokenGrants"/>). OpenIddict has already validated the request (client, grant
/// type allowed for it, scopes, and the code or refresh token presented) before the grant runs.
/// </summary>
public interface ITokenGrant
{
    Task<IResult> ExchangeAsync(OpenIddictRequest request, HttpContext http, CancellationToken ct);
}
