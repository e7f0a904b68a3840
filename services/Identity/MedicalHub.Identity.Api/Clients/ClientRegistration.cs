using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Clients;

/// <summary>Registers the first-party clients at start-up (idempotent; replicas racing to create one are harmless).</summary>
internal sealed class ClientRegistration(IServiceScopeFactory scopeFactory, IConfiguration configuration, IHostEnvironment environment,
    ILogger<ClientRegistration> logger) : IHostedService
{
    public const string WebClientId = "medicalhub-web";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = WebClient();
        WebClientRedirects.Apply(descriptor, configuration, environment);
        try
        {
            // Converge on the descriptor: a client registered by an older release gains new grants here.
            if (await applications.FindByClientIdAsync(WebClientId, cancellationToken) is { } existing)
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
            }
            else
            {
                await applications.CreateAsync(descriptor, cancellationToken);
                logger.LogInformation("Registered the {ClientId} client", WebClientId);
            }
        }
        catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or OpenIddictExceptions.ValidationException or OpenIddictExceptions.ConcurrencyException)
        {
            logger.LogInformation(ex, "The {ClientId} client was registered by another replica", WebClientId);
        }
        await scope.ServiceProvider.GetRequiredService<Clients.ServiceClients>().RegisterAsync(applications, cancellationToken);
    }

    private static OpenIddictApplicationDescriptor WebClient() => new()
    {
        ClientId = WebClientId,
        ClientType = ClientTypes.Public,
        ConsentType = ConsentTypes.Implicit,
        DisplayName = "MedicalHub web and first-party apps",
        Permissions =
        {
            Permissions.Endpoints.Token,
            Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.Password,
            Permissions.GrantTypes.RefreshToken,
            Permissions.Prefixes.GrantType + Tokens.TokenParameters.MfaOtpGrantType,
            Permissions.Scopes.Profile,
            Permissions.Scopes.Email,
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.EndSession,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.ResponseTypes.Code,
        },
        Requirements = { Requirements.Features.ProofKeyForCodeExchange },
    };

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
