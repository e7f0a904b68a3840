using System.Net;
using System.Net.Http.Headers;

namespace MedicalHub.Security.ServiceClients;

/// <summary>Puts this service's client-credentials token for <paramref name="audience"/> on every outgoing request.</summary>
public sealed class ServiceAuthenticationHandler(ServiceTokenClient tokens, string audience) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(audience, cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The target refused the token (keys rotated, client revoked): the next call asks for a new one.
            tokens.Invalidate(audience);
        }
        return response;
    }
}
