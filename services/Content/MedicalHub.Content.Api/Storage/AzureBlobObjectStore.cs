using System.Buffers;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace MedicalHub.Content.Api.Storage;

/// <summary>
/// Objects kept as block blobs named <c>{organization}/{key}</c> in one container. A write stages
/// <see cref="BlockSize"/> blocks and commits the list at the end: until then nothing is readable under the name, and
/// the staged blocks of an abandoned write are dropped by <see cref="DeleteAsync"/>.
/// </summary>
public sealed class AzureBlobObjectStore(AzureBlobContainer container) : IObjectStore
{
    public const string Name = "azure-blob";

    public const int BlockSize = 4 << 20;

    private readonly Lazy<Task> _created = new(() => container.Client.CreateIfNotExistsAsync());

    public string Backend => Name;

    private static string BlobName(Guid organizationId, Guid key) => $"{organizationId:D}/{key:D}";

    private async Task<BlockBlobClient> BlobAsync(Guid organizationId, Guid key)
    {
        await _created.Value;
        return container.Blob(BlobName(organizationId, key));
    }

    public async Task WriteAsync(StoredObject target, Stream source, CancellationToken ct)
    {
        var blob = await BlobAsync(target.OrganizationId, target.Key);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            var blocks = new List<string>();
            while (true)
            {
                var filled = await source.ReadAtLeastAsync(buffer.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, ct);
                if (filled == 0)
                {
                    break;
                }
                // Block ids of one blob must all have the same length.
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(blocks.Count.ToString("D8", CultureInfo.InvariantCulture)));
                using (var block = new MemoryStream(buffer, 0, filled, writable: false))
                {
                    await blob.StageBlockAsync(id, block, cancellationToken: ct);
                }
                blocks.Add(id);
                if (filled < BlockSize)
                {
                    break;
                }
            }
            await blob.CommitBlockListAsync(blocks, new CommitBlockListOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
            }, ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<Stream> OpenReadAsync(StoredObject source, long offset, CancellationToken ct)
    {
        var blob = await BlobAsync(source.OrganizationId, source.Key);
        if (offset >= source.SizeBytes)
        {
            return Stream.Null;
        }
        var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset) }, ct);
        return download.Value.Content;
    }

    public async Task DeleteAsync(Guid organizationId, Guid key, CancellationToken ct)
    {
        var blob = await BlobAsync(organizationId, key);
        if (await blob.DeleteIfExistsAsync(cancellationToken: ct))
        {
            return;
        }
        // Never committed: its staged blocks are only dropped by committing a list without them, then deleting that.
        await blob.CommitBlockListAsync([], cancellationToken: ct);
        await blob.DeleteIfExistsAsync(cancellationToken: ct);
    }

    public async IAsyncEnumerable<HeldObject> ListHeldAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await _created.Value;
        await foreach (var item in container.Client.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }, ct))
        {
            var parts = item.Name.Split('/');
            if (parts.Length == 2 && Guid.TryParse(parts[0], out var organizationId) && Guid.TryParse(parts[1], out var key))
            {
                yield return new HeldObject(organizationId, key, item.Properties.LastModified ?? item.Properties.CreatedOn ?? DateTimeOffset.MinValue);
            }
        }
    }
}
