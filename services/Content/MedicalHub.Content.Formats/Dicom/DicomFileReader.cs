using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace MedicalHub.Content.Formats.Dicom;

/// <summary>
/// Reads the header of a DICOM Part 10 file: the 128-byte preamble and <c>DICM</c>, the file meta information
/// (group 0002, explicit VR little endian), then the dataset in explicit or implicit VR little endian, following
/// sequences and items of defined and undefined length (an undefined-length UN as implicit VR, CP-246) and stepping
/// over every value it does not extract, pixel data above all, by seeking. Work is linear in the number of elements
/// (each costs at least 8 bytes of file) and memory is a fixed 8 KiB buffer plus the extracted attributes.
/// </summary>
/// <remarks>
/// Refused with <see cref="DicomFormatException"/>: no <c>DICM</c> prefix, a file that ends early, a length that runs
/// past the end of the file or of its item or sequence, bytes that are not a VR where one must be, elements out of
/// ascending order (the usual sign of a wrong length before them), misplaced items or delimiters, nesting deeper than
/// <see cref="DicomReadOptions.MaxSequenceDepth"/>, an extracted attribute longer than 1 KiB. Not read (a result with
/// <see cref="DicomReadStatus.UnsupportedTransferSyntax"/>): deflated, big endian and private transfer syntaxes.
/// </remarks>
public sealed class DicomFileReader
{
    private const int MaxExtractedValueLength = 1024;
    private const uint UndefinedLength = 0xFFFFFFFF;

    private readonly ByteSource _source;
    private readonly DicomReadOptions _options;
    private readonly string?[] _extracted = new string?[Extracted.Count];
    private readonly List<DicomElement>? _elements;
    private readonly List<string> _warnings = [];
    private Encoding _encoding = Encoding.Latin1;
    private bool _utf8;
    private DicomPixelData? _pixelData;

    private DicomFileReader(ByteSource source, DicomReadOptions options)
    {
        _source = source;
        _options = options;
        _elements = options.CollectElements ? [] : null;
    }

    /// <summary>Reads the header of the file at <paramref name="path"/>.</summary>
    /// <exception cref="DicomFormatException">The file is not a well-formed DICOM Part 10 file.</exception>
    public static DicomFileHeader Read(string path, DicomReadOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.None);
        return Read(stream, options);
    }

    /// <summary>
    /// Reads the header of the file that starts at the stream's current position. A seekable stream is never read past
    /// what the header needs; a stream that cannot seek is read through (in 8 KiB steps, nothing kept) to its end.
    /// </summary>
    /// <exception cref="DicomFormatException">The file is not a well-formed DICOM Part 10 file.</exception>
    public static DicomFileHeader Read(Stream stream, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var source = new ByteSource(stream);
        return new DicomFileReader(source, options ?? DicomReadOptions.Default).ReadFile();
    }

    private DicomFileHeader ReadFile()
    {
        if (!_source.Ensure(132))
        {
            throw new DicomFormatException(DicomErrorKind.Truncated, "the file ends before the 128-byte preamble and the 'DICM' prefix", 0);
        }
        _source.Take(128);
        if (!_source.Take(4).SequenceEqual("DICM"u8))
        {
            throw new DicomFormatException(DicomErrorKind.MissingPrefix, "no 'DICM' prefix after the 128-byte preamble: not a DICOM Part 10 file", 128);
        }

        var meta = ReadFileMeta();
        var (encoding, reason) = TransferSyntax.Classify(meta.TransferSyntaxUid);
        if (encoding == DatasetEncoding.Unsupported)
        {
            return new DicomFileHeader
            {
                Status = DicomReadStatus.UnsupportedTransferSyntax,
                UnsupportedReason = reason,
                Meta = meta,
                SopClassUid = meta.MediaStorageSopClassUid,
                SopInstanceUid = meta.MediaStorageSopInstanceUid,
                Elements = _elements,
                Warnings = _warnings,
            };
        }

        ReadItemContent(end: null, depth: 0, explicitVr: encoding == DatasetEncoding.ExplicitVrLittleEndian, sequence: null);
        return BuildHeader(meta);
    }

    private DicomFileMeta ReadFileMeta()
    {
        string? transferSyntax = null, sopClass = null, sopInstance = null, implementationClass = null, implementationVersion = null, sourceAe = null;
        var previous = 0u;
        while (_source.Ensure(2) && BinaryPrimitives.ReadUInt16LittleEndian(_source.Peek(2)) == 0x0002)
        {
            var header = ReadElementHeader(explicitVr: true);
            if (header.Tag.Value <= previous)
            {
                throw OutOfOrder(header, previous);
            }
            previous = header.Tag.Value;
            if (header.Length == UndefinedLength)
            {
                throw new DicomFormatException(DicomErrorKind.InvalidStructure, "an element of the file meta information has an undefined length", header.Offset, header.Tag);
            }
            if (!header.IsText && !DicomVr.IsBinaryInteger(header.Vr) || header.Length > MaxExtractedValueLength)
            {
                Collect(header, 0, null);
                SkipValue(header);
                continue;
            }
            var value = ReadCollectedValue(header);
            Collect(header, 0, value);
            switch (header.Tag.Element)
            {
                case 0x0002: sopClass = NullIfEmpty(value); break;
                case 0x0003: sopInstance = NullIfEmpty(value); break;
                case 0x0010: transferSyntax = NullIfEmpty(value); break;
                case 0x0012: implementationClass = NullIfEmpty(value); break;
                case 0x0013: implementationVersion = NullIfEmpty(value); break;
                case 0x0016: sourceAe = NullIfEmpty(value); break;
            }
        }
        if (transferSyntax is null)
        {
            throw new DicomFormatException(DicomErrorKind.MissingTransferSyntax, "the file meta information has no (0002,0010) Transfer Syntax UID", _source.Position, DicomTag.TransferSyntaxUid);
        }
        return new DicomFileMeta(transferSyntax, sopClass, sopInstance, implementationClass, implementationVersion, sourceAe, _source.Position);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private readonly record struct ElementHeader(DicomTag Tag, string? Vr, uint Length, long Offset, long ValueOffset)
    {
        public bool IsText => Vr is null ? Extracted.ImplicitVr(Tag) is not null : DicomVr.IsText(Vr);
    }

    private ElementHeader ReadElementHeader(bool explicitVr)
    {
        var offset = _source.Position;
        if (!_source.Ensure(8))
        {
            throw new DicomFormatException(DicomErrorKind.Truncated, "the file ends inside an element header", offset);
        }
        var group = _source.UInt16();
        var element = _source.UInt16();
        var tag = new DicomTag(group, element);
        if (group == 0xFFFE || !explicitVr)
        {
            return new ElementHeader(tag, null, _source.UInt32(), offset, _source.Position);
        }
        var vrBytes = _source.Take(2);
        if (!char.IsAsciiLetterUpper((char)vrBytes[0]) || !char.IsAsciiLetterUpper((char)vrBytes[1]))
        {
            throw new DicomFormatException(DicomErrorKind.InvalidVr,
                $"bytes 0x{vrBytes[0]:X2} 0x{vrBytes[1]:X2} where the explicit VR should be (a preceding length is probably wrong)", offset + 4, tag);
        }
        var vr = DicomVr.Intern(vrBytes);
        uint length;
        if (DicomVr.HasLongLength(vr))
        {
            if (!_source.Ensure(6))
            {
                throw new DicomFormatException(DicomErrorKind.Truncated, "the file ends inside an element header", offset, tag);
            }
            _source.Take(2);
            length = _source.UInt32();
        }
        else
        {
            length = _source.UInt16();
        }
        return new ElementHeader(tag, vr, length, offset, _source.Position);
    }

    /// <summary>
    /// Reads the elements of the dataset (depth 0) or of an item: up to <paramref name="end"/> for a defined length,
    /// else up to the item delimiter (or, for the dataset, the end of the file).
    /// </summary>
    private void ReadItemContent(long? end, int depth, bool explicitVr, ElementHeader? sequence)
    {
        var previous = 0u;
        while (true)
        {
            if (end is { } limit)
            {
                if (_source.Position == limit) return;
                if (_source.Position > limit)
                {
                    throw new DicomFormatException(DicomErrorKind.LyingLength, $"an element runs {_source.Position - limit} bytes past the end of its item", limit, sequence?.Tag);
                }
            }
            else if (_source.AtEnd)
            {
                if (sequence is not { } open) return;
                throw new DicomFormatException(DicomErrorKind.Truncated,
                    $"the file ends inside an item of undefined length of the sequence that starts at byte {open.Offset}", _source.Position, open.Tag);
            }

            var header = ReadElementHeader(explicitVr);
            if (header.Tag == DicomTag.ItemDelimitation)
            {
                if (end is not null || depth == 0)
                {
                    throw new DicomFormatException(DicomErrorKind.InvalidStructure, "an item delimiter outside an item of undefined length", header.Offset, header.Tag);
                }
                return;
            }
            if (header.Tag.Group == 0xFFFE)
            {
                throw new DicomFormatException(DicomErrorKind.InvalidStructure,
                    depth == 0 ? "an item or sequence delimiter among the dataset's elements" : "an item or sequence delimiter among an item's elements",
                    header.Offset, header.Tag);
            }
            if (header.Tag.Value <= previous)
            {
                throw OutOfOrder(header, previous);
            }
            previous = header.Tag.Value;

            if (header.Length == UndefinedLength)
            {
                Collect(header, depth, null);
                ReadUndefinedLengthValue(header, depth, explicitVr);
                continue;
            }

            var valueEnd = header.ValueOffset + header.Length;
            var available = end is { } itemEnd ? itemEnd : _source.Length;
            if (valueEnd > available)
            {
                throw new DicomFormatException(DicomErrorKind.LyingLength,
                    $"the value declares {header.Length} bytes but {(end is null ? "the file" : "its item")} has {Math.Max(0, available!.Value - header.ValueOffset)} left",
                    header.Offset, header.Tag);
            }

            if (header.Vr == "SQ")
            {
                Collect(header, depth, null);
                ReadSequence(header, valueEnd, depth + 1, explicitVr);
                continue;
            }

            var extractedIndex = depth == 0 ? Extracted.IndexOf(header.Tag) : -1;
            if (extractedIndex >= 0)
            {
                if (header.Length > MaxExtractedValueLength)
                {
                    throw new DicomFormatException(DicomErrorKind.ValueTooLong,
                        $"{Extracted.Name(extractedIndex)} is {header.Length} bytes long; at most {MaxExtractedValueLength} are accepted", header.Offset, header.Tag);
                }
                var text = ReadText(header);
                _extracted[extractedIndex] = text;
                if (extractedIndex == Extracted.SpecificCharacterSet) UseCharacterSet(text);
                Collect(header, depth, text ?? "");
                continue;
            }

            if (_elements is not null && header.Length <= Math.Min(_options.MaxCollectedValueLength, MaxExtractedValueLength) && (header.IsText || DicomVr.IsBinaryInteger(header.Vr)))
            {
                Collect(header, depth, ReadCollectedValue(header));
                continue;
            }

            if (header.Tag == DicomTag.PixelData && depth == 0)
            {
                _pixelData = new DicomPixelData(header.Offset, header.ValueOffset, header.Length, null);
            }
            Collect(header, depth, null);
            SkipValue(header);
        }
    }

    private void ReadUndefinedLengthValue(ElementHeader header, int depth, bool explicitVr)
    {
        if (header.Tag == DicomTag.PixelData && header.Vr is null or "OB" or "OW")
        {
            var fragments = ReadEncapsulatedPixelData(header);
            if (depth == 0) _pixelData = new DicomPixelData(header.Offset, header.ValueOffset, null, fragments);
            return;
        }
        switch (header.Vr)
        {
            case "SQ" or null:
                ReadSequence(header, end: null, depth + 1, explicitVr);
                return;
            case "UN":
                // CP-246: a UN of undefined length is a sequence, encoded in implicit VR little endian.
                ReadSequence(header, end: null, depth + 1, explicitVr: false);
                return;
            default:
                throw new DicomFormatException(DicomErrorKind.InvalidStructure, $"an undefined length on a {header.Vr} element; only SQ, UN and encapsulated pixel data may have one", header.Offset, header.Tag);
        }
    }

    private void ReadSequence(ElementHeader sequence, long? end, int depth, bool explicitVr)
    {
        if (depth > _options.MaxSequenceDepth)
        {
            throw new DicomFormatException(DicomErrorKind.TooDeep, $"sequences nested deeper than {_options.MaxSequenceDepth}", sequence.Offset, sequence.Tag);
        }
        while (true)
        {
            if (end is { } limit && _source.Position >= limit)
            {
                if (_source.Position > limit)
                {
                    throw new DicomFormatException(DicomErrorKind.LyingLength, $"an item runs {_source.Position - limit} bytes past the end of its sequence", limit, sequence.Tag);
                }
                return;
            }
            var itemOffset = _source.Position;
            if (!_source.Ensure(8))
            {
                throw new DicomFormatException(DicomErrorKind.Truncated,
                    $"the file ends inside the sequence that starts at byte {sequence.Offset}", itemOffset, sequence.Tag);
            }
            var tag = new DicomTag(_source.UInt16(), _source.UInt16());
            var length = _source.UInt32();
            if (tag == DicomTag.SequenceDelimitation)
            {
                if (end is not null)
                {
                    throw new DicomFormatException(DicomErrorKind.InvalidStructure, "a sequence delimiter inside a sequence of defined length", itemOffset, tag);
                }
                return;
            }
            if (tag != DicomTag.Item)
            {
                throw new DicomFormatException(DicomErrorKind.InvalidStructure,
                    $"{tag} where an item (fffe,e000) of the sequence {sequence.Tag} should be", itemOffset, tag);
            }
            if (length == UndefinedLength)
            {
                ReadItemContent(end: null, depth, explicitVr, sequence);
                continue;
            }
            var itemEnd = _source.Position + length;
            var available = end ?? _source.Length;
            if (itemEnd > available)
            {
                throw new DicomFormatException(DicomErrorKind.LyingLength,
                    $"the item declares {length} bytes but {(end is null ? "the file" : "its sequence")} has {Math.Max(0, available!.Value - _source.Position)} left",
                    itemOffset, sequence.Tag);
            }
            ReadItemContent(itemEnd, depth, explicitVr, sequence);
        }
    }

    private int ReadEncapsulatedPixelData(ElementHeader pixelData)
    {
        var items = 0;
        while (true)
        {
            var itemOffset = _source.Position;
            if (!_source.Ensure(8))
            {
                throw new DicomFormatException(DicomErrorKind.Truncated, $"the file ends inside the encapsulated pixel data that starts at byte {pixelData.Offset}", itemOffset, pixelData.Tag);
            }
            var tag = new DicomTag(_source.UInt16(), _source.UInt16());
            var length = _source.UInt32();
            if (tag == DicomTag.SequenceDelimitation) return Math.Max(0, items - 1);
            if (tag != DicomTag.Item || length == UndefinedLength)
            {
                throw new DicomFormatException(DicomErrorKind.InvalidStructure,
                    $"{tag} where a fragment item (fffe,e000) of defined length should be in the encapsulated pixel data", itemOffset, pixelData.Tag);
            }
            if (!_source.Skip(length))
            {
                throw new DicomFormatException(DicomErrorKind.LyingLength,
                    $"a pixel data fragment declares {length} bytes but the file has {Math.Max(0, (_source.Length ?? _source.Position) - itemOffset - 8)} left", itemOffset, pixelData.Tag);
            }
            items++;
        }
    }

    private void SkipValue(ElementHeader header)
    {
        if (!_source.Skip(header.Length))
        {
            throw new DicomFormatException(DicomErrorKind.LyingLength,
                $"the value declares {header.Length} bytes but the file ends {_source.Position - header.ValueOffset} bytes after it starts", header.Offset, header.Tag);
        }
    }

    private string? ReadText(ElementHeader header)
    {
        if (header.Length > MaxExtractedValueLength)
        {
            throw new DicomFormatException(DicomErrorKind.ValueTooLong, $"a value of {header.Length} bytes where at most {MaxExtractedValueLength} are accepted", header.Offset, header.Tag);
        }
        if (!_source.Ensure((int)header.Length))
        {
            throw new DicomFormatException(DicomErrorKind.LyingLength, $"the value declares {header.Length} bytes but the file ends first", header.Offset, header.Tag);
        }
        var bytes = _source.Take((int)header.Length);
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] is (byte)' ' or 0) end--;
        if (end == 0) return null;
        bytes = bytes[..end];
        if (_utf8 && !Utf8.IsValid(bytes)) return Encoding.Latin1.GetString(bytes);
        return _encoding.GetString(bytes);
    }

    private string? ReadCollectedValue(ElementHeader header)
    {
        if (header.IsText) return ReadText(header) ?? "";
        if (!_source.Ensure((int)header.Length))
        {
            throw new DicomFormatException(DicomErrorKind.LyingLength, $"the value declares {header.Length} bytes but the file ends first", header.Offset, header.Tag);
        }
        var bytes = _source.Take((int)header.Length);
        var size = header.Vr is "US" or "SS" ? 2 : 4;
        var builder = new StringBuilder();
        for (var i = 0; i + size <= bytes.Length; i += size)
        {
            if (i > 0) builder.Append('\\');
            var slice = bytes[i..];
            builder.Append(header.Vr switch
            {
                "US" => BinaryPrimitives.ReadUInt16LittleEndian(slice).ToString(CultureInfo.InvariantCulture),
                "SS" => BinaryPrimitives.ReadInt16LittleEndian(slice).ToString(CultureInfo.InvariantCulture),
                "UL" => BinaryPrimitives.ReadUInt32LittleEndian(slice).ToString(CultureInfo.InvariantCulture),
                _ => BinaryPrimitives.ReadInt32LittleEndian(slice).ToString(CultureInfo.InvariantCulture),
            });
        }
        return builder.ToString();
    }

    private void Collect(ElementHeader header, int depth, string? value) =>
        _elements?.Add(new DicomElement(header.Tag, header.Vr, header.Offset, header.Length == UndefinedLength ? null : header.Length, depth, value));

    private void UseCharacterSet(string? value)
    {
        // Multi-valued (code extensions, ISO 2022) sets name the first repertoire first; its escapes are not interpreted.
        var first = value?.Split('\\')[0].Trim() ?? "";
        switch (first)
        {
            case "" or "ISO_IR 6" or "ISO 2022 IR 6":
                _encoding = Encoding.Latin1;
                break;
            case "ISO_IR 100" or "ISO 2022 IR 100":
                _encoding = Encoding.Latin1;
                break;
            case "ISO_IR 192":
                _encoding = Encoding.UTF8;
                _utf8 = true;
                break;
            default:
                _encoding = Encoding.Latin1;
                _warnings.Add($"specific character set '{value}' is not decoded; its text was read as Latin-1");
                break;
        }
        if (value is not null && value.Contains('\\', StringComparison.Ordinal) && first is not "ISO_IR 192")
        {
            _warnings.Add($"specific character set '{value}' uses ISO 2022 code extensions, which are not interpreted");
        }
    }

    private static DicomFormatException OutOfOrder(ElementHeader header, uint previous) =>
        new(DicomErrorKind.OutOfOrder, $"follows {DicomTag.FromValue(previous)}: elements must be in ascending tag order (a preceding length is probably wrong)", header.Offset, header.Tag);

    private DicomFileHeader BuildHeader(DicomFileMeta meta)
    {
        string? Value(int index) => _extracted[index];
        return new DicomFileHeader
        {
            Status = DicomReadStatus.Read,
            Meta = meta,
            SopClassUid = Value(Extracted.SopClassUid) ?? meta.MediaStorageSopClassUid,
            SopInstanceUid = Value(Extracted.SopInstanceUid) ?? meta.MediaStorageSopInstanceUid,
            SpecificCharacterSet = Value(Extracted.SpecificCharacterSet),
            PatientName = Value(Extracted.PatientName) is { } name ? new DicomPersonName(name) : null,
            PatientId = Value(Extracted.PatientId),
            IssuerOfPatientId = Value(Extracted.IssuerOfPatientId),
            PatientBirthDate = Date(Extracted.PatientBirthDate),
            PatientSex = Value(Extracted.PatientSex),
            StudyInstanceUid = Value(Extracted.StudyInstanceUid),
            SeriesInstanceUid = Value(Extracted.SeriesInstanceUid),
            StudyId = Value(Extracted.StudyId),
            SeriesNumber = Integer(Extracted.SeriesNumber),
            InstanceNumber = Integer(Extracted.InstanceNumber),
            Modality = Value(Extracted.Modality),
            StudyDate = Date(Extracted.StudyDate),
            StudyTime = Time(Extracted.StudyTime),
            AccessionNumber = Value(Extracted.AccessionNumber),
            StudyDescription = Value(Extracted.StudyDescription),
            SeriesDescription = Value(Extracted.SeriesDescription),
            PixelData = _pixelData,
            Elements = _elements,
            Warnings = _warnings,
        };
    }

    private DateOnly? Date(int index)
    {
        if (_extracted[index] is not { } text) return null;
        // DA is YYYYMMDD; ACR-NEMA's YYYY.MM.DD is still met in old files.
        var compact = text.Trim().Replace(".", "", StringComparison.Ordinal);
        if (DateOnly.TryParseExact(compact, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        _warnings.Add($"{Extracted.Name(index)} is not a DICOM date (YYYYMMDD); ignored");
        return null;
    }

    private TimeOnly? Time(int index)
    {
        if (_extracted[index] is not { } text) return null;
        // TM is HH[MM[SS[.F{1,6}]]]; ACR-NEMA's HH:MM:SS is still met in old files.
        var compact = text.Trim().Replace(":", "", StringComparison.Ordinal);
        var dot = compact.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? compact : compact[..dot];
        var fraction = dot < 0 ? "" : compact[(dot + 1)..];
        if (whole.Length is 2 or 4 or 6 && whole.All(char.IsAsciiDigit) && fraction.Length <= 6 && fraction.All(char.IsAsciiDigit) && (fraction.Length == 0 || whole.Length == 6))
        {
            var hour = int.Parse(whole[..2], CultureInfo.InvariantCulture);
            var minute = whole.Length >= 4 ? int.Parse(whole[2..4], CultureInfo.InvariantCulture) : 0;
            var second = whole.Length >= 6 ? int.Parse(whole[4..6], CultureInfo.InvariantCulture) : 0;
            var microseconds = fraction.Length == 0 ? 0 : int.Parse(fraction.PadRight(6, '0'), CultureInfo.InvariantCulture);
            if (hour < 24 && minute < 60 && second < 60) return new TimeOnly(hour, minute, second).Add(TimeSpan.FromMicroseconds(microseconds));
        }
        _warnings.Add($"{Extracted.Name(index)} is not a DICOM time (HHMMSS.FFFFFF); ignored");
        return null;
    }

    private int? Integer(int index)
    {
        if (_extracted[index] is not { } text) return null;
        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)) return number;
        _warnings.Add($"{Extracted.Name(index)} is not an integer string (IS); ignored");
        return null;
    }
}
