using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MedicalHub.Content.Formats.Tests.Dicom;

/// <summary>One element line of <c>dcmdump -M +L -Un</c> output.</summary>
internal sealed record DcmDumpLine(ushort Group, ushort Element, string Vr, long? Length, int Depth, string RawValue)
{
    /// <summary>The value as our reader reports it: the text between brackets, "" for no value, or the numbers as printed.</summary>
    public string? Value => RawValue switch
    {
        "(no value available)" => "",
        _ when RawValue.StartsWith('[') && RawValue.EndsWith(']') => RawValue[1..^1],
        _ when Vr is "US" or "SS" or "UL" or "SL" => RawValue,
        _ => null,
    };

    public bool IsItemOrDelimiter => Group == 0xFFFE;
}

/// <summary>Runs dcmdump on a file and reads what it printed, the meta header and dataset elements in file order.</summary>
internal static partial class DcmDump
{
    [GeneratedRegex(@"^(?<indent> *)\((?<group>[0-9a-f]{4}),(?<element>[0-9a-f]{4})\) (?<vr>\S\S) (?<value>.*?) *# +(?<length>u/l|\d+), \d+ .+$")]
    private static partial Regex Line();

    public static IReadOnlyList<DcmDumpLine> Read(string path, Encoding? textEncoding = null)
    {
        var output = Dcmtk.Run("dcmdump", Path.GetDirectoryName(path)!, textEncoding, "-M", "+L", "-Un", path);
        var lines = new List<DcmDumpLine>();
        foreach (var text in output.Split('\n'))
        {
            var match = Line().Match(text.TrimEnd('\r'));
            if (!match.Success) continue;
            lines.Add(new DcmDumpLine(
                ushort.Parse(match.Groups["group"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ushort.Parse(match.Groups["element"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                match.Groups["vr"].Value,
                match.Groups["length"].Value == "u/l" ? null : long.Parse(match.Groups["length"].Value, CultureInfo.InvariantCulture),
                match.Groups["indent"].Value.Length / 4,
                match.Groups["value"].Value));
        }
        return lines;
    }
}
