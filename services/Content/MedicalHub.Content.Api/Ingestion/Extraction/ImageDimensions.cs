using System.Buffers.Binary;

namespace MedicalHub.Content.Api.Ingestion.Extraction;

/// <summary>
/// An image's width and height as its header declares them (PNG, JPEG, GIF, TIFF, WebP, BMP), read before any decoder
/// sees the file: a decompression bomb (a small file declaring billions of pixels) is refused on that declaration.
/// Reads at most the first 256 KiB; null when the header cannot be read.
/// </summary>
public static class ImageDimensions
{
    private const int MaxHeaderBytes = 256 * 1024;

    public static (long Width, long Height)? Read(string path)
    {
        using var file = File.OpenRead(path);
        var buffer = new byte[(int)Math.Min(MaxHeaderBytes, file.Length)];
        file.ReadExactly(buffer);
        return Read(buffer);
    }

    public static (long Width, long Height)? Read(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 24 && head.StartsWith("\x89PNG\r\n\x1a\n"u8) && head[12..16].SequenceEqual("IHDR"u8))
        {
            return (BinaryPrimitives.ReadUInt32BigEndian(head[16..]), BinaryPrimitives.ReadUInt32BigEndian(head[20..]));
        }
        if (head.Length >= 10 && (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..]));
        }
        if (head.Length >= 26 && head.StartsWith("BM"u8))
        {
            return (Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(head[18..])), Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(head[22..])));
        }
        if (head.Length >= 30 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return WebP(head);
        }
        if (head.Length >= 4 && head[0] == 0xFF && head[1] == 0xD8)
        {
            return Jpeg(head);
        }
        if (head.Length >= 8 && (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)))
        {
            return Tiff(head);
        }
        return null;
    }

    private static (long, long)? WebP(ReadOnlySpan<byte> head)
    {
        var chunk = head[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return (1 + (head[24] | head[25] << 8 | head[26] << 16), 1 + (head[27] | head[28] << 8 | head[29] << 16));
        }
        if (chunk.SequenceEqual("VP8L"u8) && head[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(head[21..]);
            return (1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF));
        }
        if (chunk.SequenceEqual("VP8 "u8))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF);
        }
        return null;
    }

    /// <summary>The first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC) holds the frame's height and width.</summary>
    private static (long, long)? Jpeg(ReadOnlySpan<byte> head)
    {
        var i = 2;
        while (i + 9 < head.Length)
        {
            if (head[i] != 0xFF)
            {
                return null;
            }
            var marker = head[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2;
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(head[(i + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(head[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(head[(i + 5)..]));
            }
            if (length < 2)
            {
                return null;
            }
            i += 2 + length;
        }
        return null;
    }

    /// <summary>The first image file directory's ImageWidth (256) and ImageLength (257).</summary>
    private static (long, long)? Tiff(ReadOnlySpan<byte> head)
    {
        var little = head[0] == (byte)'I';
        uint U32(ReadOnlySpan<byte> b) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
        ushort U16(ReadOnlySpan<byte> b) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);
        var ifd = U32(head[4..]);
        if (ifd + 2 > head.Length)
        {
            return null;
        }
        var entries = U16(head[(int)ifd..]);
        long? width = null, height = null;
        for (var e = 0; e < entries; e++)
        {
            var at = (int)ifd + 2 + e * 12;
            if (at + 12 > head.Length)
            {
                return null;
            }
            var tag = U16(head[at..]);
            var type = U16(head[(at + 2)..]);
            long value = type == 3 ? U16(head[(at + 8)..]) : U32(head[(at + 8)..]);
            if (tag == 256)
            {
                width = value;
            }
            else if (tag == 257)
            {
                height = value;
            }
        }
        return width is { } w && height is { } h ? (w, h) : null;
    }
}
