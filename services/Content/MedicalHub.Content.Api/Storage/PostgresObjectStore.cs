using System.Buffers;
using System.Data;
using MedicalHub.Data;
using Npgsql;
using NpgsqlTypes;

namespace MedicalHub.Content.Api.Storage;

/// <summary>
/// Objects kept in the content database itself (<c>stored_object_chunks</c>), in <see cref="ChunkSize"/> chunks: every
/// chunk but the last is full, so the chunk of any offset is known without reading the others. An object is written by
/// one <c>COPY</c>, which Postgres applies whole or not at all; its chunks are deleted with its row (cascade).
/// </summary>
public sealed class PostgresObjectStore(NpgsqlDataSource dataSource) : IObjectStore
{
    public const string Name = "postgres";

    /// <summary>1 MiB: large enough that per-row overhead is negligible, small enough that a range read wastes little.</summary>
    public const int ChunkSize = 1 << 20;

    public string Backend => Name;

    public static PostgresObjectStore FromConnectionString(string connectionString) =>
        new(NpgsqlDataSource.Create(ConnectionTuning.Apply(connectionString)!));

    public async Task WriteAsync(StoredObject target, Stream source, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            // Disposing the importer without CompleteAsync cancels the COPY: a failed source leaves no chunk behind.
            await using var import = await connection.BeginBinaryImportAsync(
                "COPY stored_object_chunks (object_key, sequence, data) FROM STDIN (FORMAT BINARY)", ct);
            for (var sequence = 0; ; sequence++)
            {
                var filled = await source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, ct);
                if (filled == 0)
                {
                    break;
                }
                await import.StartRowAsync(ct);
                await import.WriteAsync(target.Key, NpgsqlDbType.Uuid, ct);
                await import.WriteAsync(sequence, NpgsqlDbType.Integer, ct);
                await import.WriteAsync(new ArraySegment<byte>(buffer, 0, filled), NpgsqlDbType.Bytea, ct);
                if (filled < ChunkSize)
                {
                    break;
                }
            }
            await import.CompleteAsync(ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<Stream> OpenReadAsync(StoredObject source, long offset, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var command = new NpgsqlCommand(
                "SELECT sequence, data FROM stored_object_chunks WHERE object_key = $1 AND sequence >= $2 ORDER BY sequence", connection)
            {
                Parameters = { new() { Value = source.Key }, new() { Value = (int)(offset / ChunkSize) } },
            };
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            return new ChunkStream(connection, command, reader, (int)(offset / ChunkSize), (int)(offset % ChunkSize));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task DeleteAsync(Guid organizationId, Guid key, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM stored_object_chunks WHERE object_key = $1");
        command.Parameters.Add(new() { Value = key });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async IAsyncEnumerable<HeldObject> ListHeldAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // Chunks live and die with their object's row: nothing here can outlive it.
        await Task.CompletedTask;
        yield break;
    }

    /// <summary>The chunks' bytes in order, from a reader that streams each row's column as it is read.</summary>
    private sealed class ChunkStream(NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader, int firstSequence, int skip) : Stream
    {
        private Stream? _chunk;
        private int _expected = firstSequence;
        private int _skip = skip;
        private bool _done;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!_done)
            {
                if (_chunk is null)
                {
                    if (!await reader.ReadAsync(cancellationToken))
                    {
                        _done = true;
                        break;
                    }
                    var sequence = reader.GetInt32(0);
                    if (sequence != _expected++)
                    {
                        throw new InvalidDataException($"Stored object chunk {_expected - 1} is missing (found {sequence}).");
                    }
                    _chunk = await reader.GetStreamAsync(1, cancellationToken);
                    while (_skip > 0)
                    {
                        var skipped = await _chunk.ReadAsync(buffer[..Math.Min(buffer.Length, _skip)], cancellationToken);
                        if (skipped == 0)
                        {
                            break;
                        }
                        _skip -= skipped;
                    }
                }
                var read = await _chunk.ReadAsync(buffer, cancellationToken);
                if (read > 0)
                {
                    return read;
                }
                await _chunk.DisposeAsync();
                _chunk = null;
            }
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask DisposeAsync()
        {
            if (_chunk is not null)
            {
                await _chunk.DisposeAsync();
            }
            await reader.DisposeAsync();
            await command.DisposeAsync();
            await connection.DisposeAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _chunk?.Dispose();
                reader.Dispose();
                command.Dispose();
                connection.Dispose();
            }
            base.Dispose(disposing);
        }

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
