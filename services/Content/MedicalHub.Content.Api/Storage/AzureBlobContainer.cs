using System.Data.Common;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace MedicalHub.Content.Api.Storage;

/// <summary>
/// One blob container, from a storage connection string, whose blobs are addressed by appending their names to the
/// container's URI. The SDK's own <c>GetBlobClient</c> re-parses the URI and, for an emulator reached by a host name
/// (<c>http://localhost:10000/account/container</c>, or a service name in a cluster), mistakes the account for the
/// container; building the URI here keeps path-style and product-style endpoints both right.
/// </summary>
public sealed class AzureBlobContainer
{
    private readonly StorageSharedKeyCredential? _credential;

    public AzureBlobContainer(string connectionString, string containerName)
    {
        var settings = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Setting(string name) => settings.TryGetValue(name, out var value) ? value?.ToString() : null;
        var account = Setting("AccountName");
        var key = Setting("AccountKey");
        var endpoint = Setting("BlobEndpoint")
            ?? (account is null ? null : $"{Setting("DefaultEndpointsProtocol") ?? "https"}://{account}.blob.{Setting("EndpointSuffix") ?? "core.windows.net"}")
            ?? throw new InvalidOperationException("The blob connection string names neither a BlobEndpoint nor an AccountName.");
        _credential = account is not null && key is not null ? new StorageSharedKeyCredential(account, key) : null;
        Uri = new Uri($"{endpoint.TrimEnd('/')}/{containerName}");
        Client = _credential is null ? new BlobContainerClient(Uri) : new BlobContainerClient(Uri, _credential);
    }

    public Uri Uri { get; }

    public BlobContainerClient Client { get; }

    public BlockBlobClient Blob(string name)
    {
        var uri = new Uri($"{Uri}/{name}");
        return _credential is null ? new BlockBlobClient(uri) : new BlockBlobClient(uri, _credential);
    }
}
