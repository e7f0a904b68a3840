namespace MedicalHub.Security.ServiceClients;

/// <summary>This service's own identity at Identity (<c>MedicalHub:ServiceClient</c>), a confidential client the AppHost registers.</summary>
public sealed class ServiceClientSettings
{
    public const string SectionName = "MedicalHub:ServiceClient";

    public string? ClientId { get; set; }

    public string? Secret { get; set; }

    /// <summary>Identity's token endpoint, relative to <c>MedicalHub:Authentication:IdentityUrl</c>.</summary>
    public string TokenPath { get; set; } = "/connect/token";

    /// <summary>A cached token is replaced once less than this part of its lifetime remains.</summary>
    public double RefreshBeforeExpiryRatio { get; set; } = 0.2;
}
