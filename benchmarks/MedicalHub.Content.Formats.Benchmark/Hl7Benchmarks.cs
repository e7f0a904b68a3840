using System.Text;
using BenchmarkDotNet.Attributes;
using MedicalHub.Content.Formats.Hl7v2;
using MedicalHub.Content.Formats.Hl7v2.Mapping;

namespace MedicalHub.Content.Formats.Benchmark;

/// <summary>HL7 v2 ORU^R01 parsing, one message per operation on one thread (so operations/s is per core).</summary>
[MemoryDiagnoser]
public class Hl7Benchmarks
{
    /// <summary>A comprehensive metabolic panel as a hospital lab sends it: 14 results, notes, ~2.4 KB.</summary>
    public static readonly string Oru = string.Join('\r',
        @"MSH|^~\&|LIS|CENTRAL LAB^2.16.840.1.113883.3.72.5.20^ISO|MEDICALHUB|PRACTICE-42|20261124083015+0100||ORU^R01^ORU_R01|LAB-20261124-0001|P|2.5.1|||AL|NE||UNICODE UTF-8",
        @"PID|1||MRN0012345^^^PRACTICE42&2.16.840.1.113883.3.72.5.9.1&ISO^MR~1850712345678^^^INSEE&1.2.250.1.213.1.4.8&ISO^NH||Durand^Émilie^Anne^^Mme^^L||19850712|F|||12 rue des Lilas^Bât. B^Lyon^^69003^FRA^H||^PRN^CP^emilie.durand@example.org",
        @"PV1|1|O",
        @"ORC|RE|ORD-778812|LAB-55431",
        @"OBR|1|ORD-778812|LAB-55431|24323-8^Comprehensive metabolic panel - Serum or Plasma^LN|||20261124071500+0100|||||||||1234567^House^Gregory^^^DR||||||20261124081200+0100||CH|F",
        @"OBX|1|NM|2345-7^Glucose [Mass/volume] in Serum or Plasma^LN||98|mg/dL^mg/dL^UCUM|70-99|N|||F|||20261124071500+0100",
        @"OBX|2|NM|3094-0^Urea nitrogen [Mass/volume] in Serum or Plasma^LN||14|mg/dL^mg/dL^UCUM|6-20|N|||F",
        @"OBX|3|NM|2160-0^Creatinine [Mass/volume] in Serum or Plasma^LN||0.82|mg/dL^mg/dL^UCUM|0.57-1.00|N|||F",
        @"OBX|4|NM|2951-2^Sodium [Moles/volume] in Serum or Plasma^LN||139|mmol/L^mmol/L^UCUM|134-144|N|||F",
        @"OBX|5|NM|2823-3^Potassium [Moles/volume] in Serum or Plasma^LN||5.6|mmol/L^mmol/L^UCUM|3.5-5.2|H|||F",
        @"NTE|1|L|Slight hemolysis \T\ may raise potassium.",
        @"OBX|6|NM|2075-0^Chloride [Moles/volume] in Serum or Plasma^LN||101|mmol/L^mmol/L^UCUM|96-106|N|||F",
        @"OBX|7|NM|2028-9^Carbon dioxide, total [Moles/volume] in Serum or Plasma^LN||24|mmol/L^mmol/L^UCUM|20-29|N|||F",
        @"OBX|8|NM|17861-6^Calcium [Mass/volume] in Serum or Plasma^LN||9.4|mg/dL^mg/dL^UCUM|8.7-10.2|N|||F",
        @"OBX|9|NM|2885-2^Protein [Mass/volume] in Serum or Plasma^LN||7.1|g/dL^g/dL^UCUM|6.0-8.5|N|||F",
        @"OBX|10|NM|1751-7^Albumin [Mass/volume] in Serum or Plasma^LN||4.4|g/dL^g/dL^UCUM|3.8-4.8|N|||F",
        @"OBX|11|NM|1975-2^Bilirubin.total [Mass/volume] in Serum or Plasma^LN||0.5|mg/dL^mg/dL^UCUM|0.0-1.2|N|||F",
        @"OBX|12|NM|6768-6^Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma^LN||71|U/L^U/L^UCUM|39-117|N|||F",
        @"OBX|13|NM|1920-8^Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma^LN||19|U/L^U/L^UCUM|0-40|N|||F",
        @"OBX|14|SN|1742-6^Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma^LN||<^5|U/L^U/L^UCUM|0-32|L|||F") + "\r";

    private readonly byte[] _framed = Mllp.Frame(Oru);

    /// <summary>Structure checked, every segment and field located; values are decoded when read.</summary>
    [Benchmark(Baseline = true)]
    public Hl7Message Parse() => Hl7Message.Parse(Oru);

    /// <summary>Parse, then the ORU^R01 mapping: every observation's code, value, unit, range, flags, time and notes.</summary>
    [Benchmark]
    public LabResultMessage ParseAndMapObservations() => LabResultMapping.FromOruR01(Hl7Message.Parse(Oru));

    /// <summary>As received from an MLLP connection: framed UTF-8 bytes, decoded, then parsed and mapped.</summary>
    [Benchmark]
    public LabResultMessage ParseMllpBytesAndMapObservations() => LabResultMapping.FromOruR01(Hl7Message.Parse(_framed));

    public static int MessageBytes => Encoding.UTF8.GetByteCount(Oru);
}
