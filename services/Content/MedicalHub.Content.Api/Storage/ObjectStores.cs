using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Storage;

/// <summary>The configured backends: new objects go to <see cref="StorageSettings.Backend"/>; each object is read from the backend it names.</summary>
public sealed class ObjectStores(IEnumerable<IObjectStore> stores, IOptions<StorageSettings> settings)
{
    private readonly Dictionary<string, IObjectStore> _byName = stores.ToDictionary(s => s.Backend, StringComparer.Ordinal);

    public IObjectStore ForWriting => For(settings.Value.Backend switch
    {
        StorageBackend.AzureBlob => AzureBlobObjectStore.Name,
        _ => PostgresObjectStore.Name,
    });

    public IEnumerable<IObjectStore> All => _byName.Values;

    public IObjectStore For(StoredObject stored) => For(stored.Backend);

    public IObjectStore For(string backend) => _byName.TryGetValue(backend, out var store)
        ? store
        : throw new InvalidOperationException($"Objects of backend '{backend}' exist, but that backend is not configured ({StorageSettings.SectionName}).");
}
