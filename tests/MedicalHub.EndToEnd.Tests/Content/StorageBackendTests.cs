using Azure.Storage.Blobs.Models;
using MedicalHub.Content.Api.Storage;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// The two storage backends, held to the same contract against the stack's own stores (Content's PostgreSQL and the
/// Azurite object store): whole and ranged reads across chunk and block boundaries, nothing readable from a failed write,
/// deletion of bytes written whole, in part or never committed; and the running service's sweeper removing an abandoned
/// upload from either backend and bytes an object store holds without a row.
/// </summary>
public sealed class StorageBackendTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Backends => new(PostgresObjectStore.Name, AzureBlobObjectStore.Name);

    /// <summary>The mark of an upload still being written, for as long as a test may take: the service's sweeper leaves it alone.</summary>
    private static DateTimeOffset InFlight => DateTimeOffset.UtcNow.AddHours(1);

    private async Task<IObjectStore> StoreAsync(string backend) => backend == PostgresObjectStore.Name
        ? PostgresObjectStore.FromConnectionString(await stack.ConnectionStringAsync("contentdb"))
        : new AzureBlobObjectStore(await ContainerAsync());

    private async Task<AzureBlobContainer> ContainerAsync() => new(await stack.ConnectionStringAsync("content-blobs"), "documents");

    /// <summary>A staging row, as the service writes before the bytes, marked active <paramref name="lastActivity"/>.</summary>
    private async Task<StoredObject> StagingRowAsync(string backend, DateTimeOffset lastActivity)
    {
        var stored = new StoredObject { Backend = backend, OrganizationId = Guid.NewGuid() };
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("contentdb"));
        await db.OpenAsync(Ct);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO stored_objects (key, organization_id, backend, state, size_bytes, created_at, last_activity_at)
            VALUES (@key, @org, @backend, 'Staging', 0, @at, @at)
            """, db);
        insert.Parameters.AddWithValue("key", stored.Key);
        insert.Parameters.AddWithValue("org", stored.OrganizationId);
        insert.Parameters.AddWithValue("backend", backend);
        insert.Parameters.AddWithValue("at", lastActivity);
        await insert.ExecuteNonQueryAsync(Ct);
        return stored;
    }

    private async Task<bool> HoldsBytesAsync(string backend, StoredObject stored)
    {
        if (backend == PostgresObjectStore.Name)
        {
            await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("contentdb"));
            await db.OpenAsync(Ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM stored_object_chunks WHERE object_key = @key", db);
            count.Parameters.AddWithValue("key", stored.Key);
            return (long)(await count.ExecuteScalarAsync(Ct))! > 0;
        }
        var container = await ContainerAsync();
        await foreach (var _ in container.Client.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{stored.OrganizationId:D}/{stored.Key:D}", States = BlobStates.Uncommitted }, Ct))
        {
            return true;
        }
        return false;
    }

    private async Task<bool> RowExistsAsync(StoredObject stored)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("contentdb"));
        await db.OpenAsync(Ct);
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM stored_objects WHERE key = @key", db);
        exists.Parameters.AddWithValue("key", stored.Key);
        return (long)(await exists.ExecuteScalarAsync(Ct))! > 0;
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Bytes_read_back_whole_and_from_any_offset_across_chunk_and_block_boundaries(string backend)
    {
        var store = await StoreAsync(backend);
        var bytes = DocumentsClient.Random(9 * 1024 * 1024 + 123);
        var stored = await StagingRowAsync(backend, InFlight);
        stored.SizeBytes = bytes.Length;

        await store.WriteAsync(stored, new MemoryStream(bytes), Ct);

        foreach (var offset in new long[] { 0, 1, PostgresObjectStore.ChunkSize - 1, PostgresObjectStore.ChunkSize, AzureBlobObjectStore.BlockSize + 7, bytes.Length - 1, bytes.Length })
        {
            await using var read = await store.OpenReadAsync(stored, offset, Ct);
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy, Ct);
            Assert.True(bytes.AsSpan((int)offset).SequenceEqual(copy.ToArray()), $"{backend} from offset {offset}");
        }
        await using (var seekable = new StoredObjectStream(store, stored))
        {
            seekable.Position = bytes.Length - 10;
            var tail = new byte[10];
            await seekable.ReadExactlyAsync(tail, Ct);
            Assert.Equal(bytes[^10..], tail);
        }

        await store.DeleteAsync(stored.OrganizationId, stored.Key, Ct);
        Assert.False(await HoldsBytesAsync(backend, stored));
        await store.DeleteAsync(stored.OrganizationId, stored.Key, Ct); // idempotent
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_write_whose_source_fails_leaves_nothing_readable_and_deleting_it_leaves_nothing_held(string backend)
    {
        var store = await StoreAsync(backend);
        var stored = await StagingRowAsync(backend, InFlight);

        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync(stored, new FailingStream(6 * 1024 * 1024), Ct));

        if (backend == PostgresObjectStore.Name)
        {
            Assert.False(await HoldsBytesAsync(backend, stored)); // the COPY was abandoned whole
        }
        else
        {
            var blob = (await ContainerAsync()).Blob($"{stored.OrganizationId:D}/{stored.Key:D}");
            Assert.False(await blob.ExistsAsync(Ct)); // staged blocks only, never committed
        }
        await store.DeleteAsync(stored.OrganizationId, stored.Key, Ct);
        Assert.False(await HoldsBytesAsync(backend, stored));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_service_s_sweeper_removes_an_abandoned_upload_row_and_bytes(string backend)
    {
        var store = await StoreAsync(backend);
        var stored = await StagingRowAsync(backend, DateTimeOffset.UtcNow - DocumentStackSettings.AbandonedAfter - TimeSpan.FromMinutes(1));
        await store.WriteAsync(stored, new MemoryStream(DocumentsClient.Random(100_000)), Ct);
        Assert.True(await HoldsBytesAsync(backend, stored));

        await DocumentsClient.EventuallyAsync(async () => !await RowExistsAsync(stored) && !await HoldsBytesAsync(backend, stored), $"the abandoned {backend} upload is swept");
    }

    [Fact]
    public async Task The_service_s_sweeper_removes_blobs_no_row_knows_once_they_are_old_enough()
    {
        var container = await ContainerAsync();
        await container.Client.CreateIfNotExistsAsync(cancellationToken: Ct);
        var orphan = container.Blob($"{Guid.NewGuid():D}/{Guid.NewGuid():D}");
        await orphan.UploadAsync(new MemoryStream(DocumentsClient.Random(1000)), cancellationToken: Ct);

        await DocumentsClient.EventuallyAsync(async () => !await orphan.ExistsAsync(Ct), "the orphaned blob is swept");
    }

    /// <summary>Gives <paramref name="before"/> bytes, then fails as a dropped connection does.</summary>
    private sealed class FailingStream(int before) : Stream
    {
        private int _given;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (_given >= before)
            {
                throw new IOException("The connection was reset.");
            }
            var count = Math.Min(buffer.Length, before - _given);
            buffer.Span[..count].Fill(0x25);
            _given += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
