using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedicalHub.AppHost.LocalInfrastructure;

/// <summary>Where Content keeps document bytes (setting <c>MedicalHub:Content:Storage</c>).</summary>
public enum DocumentStorage
{
    /// <summary>Content's own PostgreSQL database (the default: nothing more to run).</summary>
    Postgres,

    /// <summary>An Azure Blob object store: Azurite in run mode (a local process, or a container when one can run); a container in publish mode.</summary>
    AzureBlob,
}

public static class DocumentStorageExtensions
{
    public const string SettingName = "MedicalHub:Content:Storage";
    public const string ResourceName = "content-blobs";
    public const string AccountName = "medicalhub";
    public const string AzuriteImage = "mcr.microsoft.com/azure-storage/azurite";
    public const string AzuriteVersion = "3.37.0";
    private const int RunModePort = 10000;
    private const int ContainerPort = 10000;

    public static DocumentStorage Parse(string? value) =>
        string.IsNullOrWhiteSpace(value) ? DocumentStorage.Postgres
        : Enum.TryParse<DocumentStorage>(value, ignoreCase: true, out var storage) && Enum.IsDefined(storage) ? storage
        : throw new DistributedApplicationException($"{SettingName} is '{value}'; use one of {string.Join(", ", Enum.GetNames<DocumentStorage>())}.");

    /// <summary>
    /// Tells Content its storage backend (<c>MedicalHub__Content__Storage__Backend</c>). For <see cref="DocumentStorage.AzureBlob"/>
    /// it adds the object store <c>content-blobs</c> (Azurite, the Azure Storage emulator, with an account whose key is a
    /// generated secret parameter), gives Content its connection string and waits for it. In process mode Azurite runs
    /// from the npm package in <c>LocalInfrastructure/azurite</c> (installed by scripts/prerequisites.sh).
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithDocumentStorage(this IResourceBuilder<ProjectResource>? content, InfrastructureSettings infrastructure)
    {
        if (content is null)
        {
            return null;
        }
        var builder = content.ApplicationBuilder;
        var storage = Parse(builder.Configuration[SettingName]);
        content.WithEnvironment("MedicalHub__Content__Storage__Backend", storage.ToString());
        if (builder.Configuration["MedicalHub:Content:MaxUploadBytes"] is { Length: > 0 } maxUpload)
        {
            content.WithEnvironment("MedicalHub__Content__Documents__MaxUploadBytes", maxUpload);
        }
        if (storage == DocumentStorage.Postgres)
        {
            return content;
        }

        // 64 letters and digits are valid base64 (48 bytes): the form of a storage account key.
        var key = builder.AddParameter($"{ResourceName}-key", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);
        IResourceBuilder<IResourceWithConnectionString> blobs = infrastructure.Mode == InfrastructureMode.Containers
            ? builder.AddAzuriteContainer(infrastructure, key)
            : builder.AddLocalAzurite(infrastructure, key);
        blobs.WithParentRelationship(content);
        return content.WithReference(blobs).WaitFor(blobs);
    }

    private static IResourceBuilder<AzuriteContainerResource> AddAzuriteContainer(this IDistributedApplicationBuilder builder, InfrastructureSettings infrastructure,
        IResourceBuilder<ParameterResource> key)
    {
        var resource = new AzuriteContainerResource(ResourceName, key.Resource);
        return builder.AddResource(resource)
            .WithImage(AzuriteImage, AzuriteVersion)
            .WithArgs("azurite-blob", "--blobHost", "0.0.0.0", "--blobPort", ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--location", "/data", "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent")
            .WithEndpoint(port: infrastructure.FixedPorts ? RunModePort : null, targetPort: ContainerPort, scheme: "http", name: AzuriteContainerResource.PrimaryEndpointName)
            .WithEnvironment("AZURITE_ACCOUNTS", ReferenceExpression.Create($"{AccountName}:{key}"))
            .WithVolume("medicalhub-content-blobs-data", "/data")
            .WithBlobHealthCheck(resource);
    }

    private static IResourceBuilder<LocalAzuriteResource> AddLocalAzurite(this IDistributedApplicationBuilder builder, InfrastructureSettings infrastructure,
        IResourceBuilder<ParameterResource> key)
    {
        var directory = Path.Combine(infrastructure.ScriptDirectory, "azurite");
        var server = Path.Combine(directory, "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(server))
        {
            throw new DistributedApplicationException(
                $"{SettingName} is AzureBlob, but Azurite is not installed in {directory}: run 'npm ci' there (scripts/prerequisites.sh does), or set {SettingName}=Postgres.");
        }
        var resource = new LocalAzuriteResource(ResourceName, server, directory, key.Resource);
        int? port = infrastructure.FixedPorts ? RunModePort : null;
        var azurite = builder.AddResource(resource)
            .WithEndpoint(port: port, targetPort: port, scheme: "http", name: LocalAzuriteResource.PrimaryEndpointName, isProxied: false);
        var endpoint = azurite.GetEndpoint(LocalAzuriteResource.PrimaryEndpointName);
        return azurite
            .WithArgs(context =>
            {
                context.Args.Add("--blobHost");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--blobPort");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--location");
                context.Args.Add(Path.Combine(infrastructure.DataDirectory, ResourceName));
                context.Args.Add("--skipApiVersionCheck");
                context.Args.Add("--disableProductStyleUrl");
                context.Args.Add("--silent");
            })
            .WithEnvironment("AZURITE_ACCOUNTS", ReferenceExpression.Create($"{AccountName}:{key}"))
            .WithIconName("Storage")
            .WithBlobHealthCheck(resource)
            .ExcludeFromManifest();
    }

    /// <summary>Healthy once the account answers an authenticated request (the emulator is up and knows the key).</summary>
    private static IResourceBuilder<T> WithBlobHealthCheck<T>(this IResourceBuilder<T> blobs, IResourceWithConnectionString resource) where T : IResource
    {
        var connectionString = blobs.ApplicationBuilder.TrackConnectionString(resource);
        var name = $"{resource.Name}_check";
        blobs.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(name, async ct =>
        {
            try
            {
                await new BlobServiceClient(connectionString()).GetPropertiesAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or InvalidOperationException or HttpRequestException or AggregateException)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });
        return blobs.WithHealthCheck(name);
    }
}

/// <summary>The connection string Content's Azure Blob client expects, with the account in the path (no product-style host names locally).</summary>
internal static class AzuriteConnectionString
{
    public static ReferenceExpression For(EndpointReference endpoint, ParameterResource key) => ReferenceExpression.Create(
        $"DefaultEndpointsProtocol=http;AccountName={DocumentStorageExtensions.AccountName};AccountKey={key};BlobEndpoint=http://{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}/{DocumentStorageExtensions.AccountName};");
}

/// <summary>Azurite run from its npm package (process mode).</summary>
public sealed class LocalAzuriteResource(string name, string command, string workingDirectory, ParameterResource key)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "blob";

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => AzuriteConnectionString.For(PrimaryEndpoint, key);
}

/// <summary>Azurite as a container (containers in run mode, and what publish mode describes).</summary>
public sealed class AzuriteContainerResource(string name, ParameterResource key) : ContainerResource(name), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "blob";

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => AzuriteConnectionString.For(PrimaryEndpoint, key);
}
