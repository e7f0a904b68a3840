using System.Security.Cryptography;

namespace MedicalHub.Content.Api.Storage;

/// <summary>
/// What an upload's bytes pass through on their way to the store: counted (refused past <paramref name="maxBytes"/>),
/// hashed with SHA-256, and their first <see cref="HeadLength"/> bytes kept for media type detection. Nothing else is held.
/// </summary>
public sealed class UploadStream(Stream source, long maxBytes) : Stream
{
    public const int HeadLength = 8192;

    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _head = new byte[HeadLength];
    private int _headLength;

    public long BytesRead { get; private set; }

    /// <summary>The first bytes of the upload (up to <see cref="HeadLength"/>).</summary>
    public ReadOnlyMemory<byte> Head => _head.AsMemory(0, _headLength);

    /// <summary>The hash of everything read; call once, at the end.</summary>
    public string Sha256Hex() => Convert.ToHexStringLower(_sha256.GetHashAndReset());

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            BytesRead += read;
            if (BytesRead > maxBytes)
            {
                throw new UploadTooLargeException(maxBytes);
            }
            var span = buffer.Span[..read];
            _sha256.AppendData(span);
            if (_headLength < HeadLength)
            {
                var take = Math.Min(HeadLength - _headLength, read);
                span[..take].CopyTo(_head.AsSpan(_headLength));
                _headLength += take;
            }
        }
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Uploads are read asynchronously.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The upload went past the configured maximum: refused (413) and its bytes discarded.</summary>
public sealed class UploadTooLargeException(long maxBytes) : Exception($"The upload is larger than {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
