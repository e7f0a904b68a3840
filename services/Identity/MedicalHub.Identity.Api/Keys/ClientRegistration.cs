using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Keys;

/// <summary>Registers the first-party clients at start-up (idempotent; replicas racing to create one are harmless).</summary>
internal sealed class ClientRegistration(IServiceScopeFactory scopeFactory, ILogger<ClientRegistration> logger) : IHostedService
{
    public const string WebClientId = "medicalhub-web";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        if (await applications.FindByClientIdAsync(WebClientId, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await applications.CreateAsync(new OpenIddictApplicationDescriptor
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
                    Permissions.Scopes.Profile,
                    Permissions.Scopes.Email,
                },
            }, cancellationToken);
            logger.LogInformation("Registered the {ClientId} client", WebClientId);
        }
        catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or OpenIddictExceptions.ValidationException)
        {
            logger.LogInformation(ex, "The {ClientId} client was registered by another replica", WebClientId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
