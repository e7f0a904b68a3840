using System.Buffers.Text;
using System.Security.Cryptography;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Organizations;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Clients;

/// <summary>
/// Integrators' API clients: an OpenIddict confidential application (which keeps only a hash of the secret)
/// plus the <see cref="ApiClient"/> row saying which organization owns it and what it may do.
/// </summary>
public sealed class ApiClients(IdentityServiceDbContext db, IOpenIddictApplicationManager applications, ServiceClients services)
{
    public const string ClientIdPrefix = "mhc_";

    public sealed record Issued(ApiClient Client, string Secret);

    public async Task<Issued> CreateAsync(Guid organizationId, Guid createdBy, string name, string[] permissions, CancellationToken ct)
    {
        var client = new ApiClient
        {
            OrganizationId = organizationId,
            ClientId = ClientIdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Name = name,
            Permissions = permissions,
            CreatedByUserId = createdBy,
        };
        var secret = NewSecret();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = name,
            Permissions = { OpenIddictConstants.Permissions.Endpoints.Token, OpenIddictConstants.Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in ClientCredentialsExtensions.ScopePermissions(services.ServiceAudiences))
        {
            descriptor.Permissions.Add(scope);
        }

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await applications.CreateAsync(descriptor, ct);
            db.ApiClients.Add(client);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        });
        return new Issued(client, secret);
    }

    /// <summary>A new secret; the old one stops working at once (tokens already issued live out their 5 minutes).</summary>
    public async Task<string> RotateSecretAsync(ApiClient client, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(client.ClientId, ct)
            ?? throw new InvalidOperationException($"The application of client '{client.ClientId}' is missing.");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, ct);
        var secret = NewSecret();
        descriptor.ClientSecret = secret;
        await applications.UpdateAsync(application, descriptor, ct);
        client.SecretRotatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        return secret;
    }

    /// <summary>Deletes the client: no new token (tokens already issued live out their 5 minutes).</summary>
    public async Task DeleteAsync(ApiClient client, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (await applications.FindByClientIdAsync(client.ClientId, ct) is { } application)
            {
                await applications.DeleteAsync(application, ct);
            }
            db.ApiClients.Remove(client);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        });
    }

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
