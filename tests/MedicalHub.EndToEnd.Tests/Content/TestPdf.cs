using System.Globalization;
using System.Text;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>Writes a real PDF (one Helvetica line per page, a correct cross-reference table) for the ingestion tests.</summary>
internal static class TestPdf
{
    public static byte[] WithPages(params string[] pages)
    {
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        void Object(string body)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{offsets.Count} 0 obj\n{body}\nendobj\n");
        }
        var font = 3 + (2 * pages.Length);
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object($"<< /Type /Pages /Kids [{string.Join(' ', pages.Select((_, i) => $"{3 + (2 * i)} 0 R"))}] /Count {pages.Length} >>");
        for (var i = 0; i < pages.Length; i++)
        {
            var text = pages[i].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal);
            var stream = $"BT /F1 14 Tf 50 700 Td ({text}) Tj ET";
            Object($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + (2 * i)} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>");
            Object($"<< /Length {stream.Length} >>\nstream\n{stream}\nendstream");
        }
        Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
