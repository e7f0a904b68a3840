using System.Text;
using CsCheck;
using MedicalHub.Content.Formats.Hl7v2;
using MedicalHub.Content.Formats.Hl7v2.Mapping;

namespace MedicalHub.Content.Formats.Tests.Hl7v2;

/// <summary>
/// Mutated HL7 messages: parsing, reading every value, the mappings and the acknowledgements never throw anything
/// but <see cref="Hl7FormatException"/>, finish, allocate in proportion to the input, and a NAK is always a readable
/// message.
/// </summary>
public class Hl7FuzzTests
{
    private static readonly string[] Seeds =
    [
        Hl7Samples.SpecOruR01, Hl7Samples.SpecAdtA01, Hl7Samples.CompleteBloodCount, Hl7Samples.AdtA08Update,
        Hl7Samples.Segments("MSH!$*%@!LAB!FAC!APP!DEST!20260101120000!!ORU$R01!CTRL-9!P!2.5", "PID!1!!A1$$$AUTH@1.2.3@ISO$MR", "OBR!1", "OBX!1!SN!X$Y$L!!<$1!%S%"),
        Hl7Samples.Segments(@"MSH|^~\&#|A|B|C|D|20260101||ADT^A04|1|P|2.7", @"PID|1||X1^^^A^MR||Doe^J||19700101|U", @"NTE|1||50\P\ \X41\ \.sp5\ \Zx\"),
    ];

    /// <summary>Characters that matter to an ER7 parser, drawn more often than chance would.</summary>
    private static readonly char[] Interesting = ['|', '^', '~', '\\', '&', '#', '\r', '\n', '\v', '\x1c', '"', '\0', '\x01', 'é', 'M', 'S', 'H', 'X', '.', '0', '9', ' '];

    private static readonly Hl7AckHeader Us = new("FUZZ", DateTimeOffset.UnixEpoch);

    private static string Mutate(string seed, Mutation[] mutations)
    {
        var text = new StringBuilder(seed);
        foreach (var m in mutations)
        {
            if (text.Length == 0) text.Append('M');
            var at = m.Position % text.Length;
            var c = m.Value % 3 == 0 ? (char)(32 + m.Value % 95) : Interesting[m.Value % Interesting.Length];
            switch (m.Kind % 7)
            {
                case 0: text[at] = c; break;
                case 1: text.Insert(at, c); break;
                case 2: text.Remove(at, Math.Min(m.Length, text.Length - at)); break;
                case 3: text.Insert(at, text.ToString(at, Math.Min(m.Length, text.Length - at))); break;
                case 4: text.Length = at; break;
                case 5: text.Insert(at, new string(c, m.Length)); break;
                default:
                    // Swap in another message type so both mappings see every kind of message.
                    var type = (m.Value % 4) switch { 0 => "ORU^R01", 1 => "ADT^A01", 2 => "ADT^A08", _ => "ACK" };
                    var s = text.ToString();
                    var index = s.IndexOf("ORU^R01", StringComparison.Ordinal) is var o and >= 0 ? o : s.IndexOf("ADT^A0", StringComparison.Ordinal);
                    if (index >= 0) text.Remove(index, Math.Min(7, text.Length - index)).Insert(index, type);
                    break;
            }
        }
        return text.ToString();
    }

    private static long _accepted;
    private static long _refused;
    private static volatile string _current = "";

    [Fact]
    public void Mutated_messages_are_read_or_refused_with_an_Hl7FormatException_and_nothing_else()
    {
        _accepted = _refused = 0;
        var iterations = Fuzzing.Iterations(4000);
        Fuzzing.WithWatchdog(TimeSpan.FromSeconds(60 + iterations / 500), () => _current, () =>
            Fuzzing.Inputs(Seeds.Length).Sample(input =>
            {
                var text = Mutate(Seeds[input.Seed], input.Mutations);
                _current = text;
                var allocated = AllocatedBy(() => Exercise(text));
                var bound = 512L * text.Length + 512 * 1024;
                Assert.True(allocated <= bound, $"{allocated} bytes allocated for a {text.Length}-character message (bound {bound})");
            }, iter: iterations, threads: 1));

        // The mutations must exercise both paths, or the property proves little.
        Assert.True(_accepted > iterations / 20, $"only {_accepted} of {iterations} mutated messages were read");
        Assert.True(_refused > iterations / 20, $"only {_refused} of {iterations} mutated messages were refused");
    }

    [Fact]
    public void Mutated_MLLP_frames_as_bytes_are_read_or_refused_with_an_Hl7FormatException()
    {
        var iterations = Fuzzing.Iterations(2000);
        var frames = Seeds.Select(Mllp.Frame).ToArray();
        Fuzzing.WithWatchdog(TimeSpan.FromSeconds(60 + iterations / 500), () => _current, () =>
            Fuzzing.Inputs(frames.Length).Sample(input =>
            {
                var bytes = Fuzzing.Mutate(frames[input.Seed], input.Mutations, int.MaxValue, [0x0B, 0x1C, 0x0D, 0x0A, 0x7C, 0x5E, 0xC3A9, 0xFFFF]);
                _current = Convert.ToHexString(bytes);
                try
                {
                    Touch(Hl7Message.Parse(bytes));
                }
                catch (Hl7FormatException error)
                {
                    Hl7Message.Parse(Hl7Acknowledgement.ForUnreadable(bytes, error, Us));
                }
                using var reader = new MllpReader(new MemoryStream(bytes), maxMessageBytes: 64 * 1024);
                try
                {
                    while (reader.ReadMessageAsync().AsTask().GetAwaiter().GetResult() is { } message)
                    {
                        Assert.True(message.Length <= 64 * 1024);
                    }
                }
                catch (Hl7FormatException)
                {
                }
            }, iter: iterations, threads: 1));
    }

    private static void Exercise(string text)
    {
        Hl7Message message;
        try
        {
            message = Hl7Message.Parse(text);
        }
        catch (Hl7FormatException error)
        {
            Interlocked.Increment(ref _refused);
            var nak = Hl7Message.Parse(Hl7Acknowledgement.ForUnreadable(text, error, Us));
            Assert.Equal("AR", nak.Get("MSA-1"));
            return;
        }
        Interlocked.Increment(ref _accepted);
        Touch(message);
        var errors = new List<Hl7AckError>();
        try
        {
            _ = LabResultMapping.FromOruR01(message).AllObservations.Count();
        }
        catch (Hl7FormatException error)
        {
            errors.Add(Hl7AckError.From(error));
        }
        try
        {
            _ = PatientAdministrationMapping.FromAdt(message).Patient.Identifiers.Count;
        }
        catch (Hl7FormatException error)
        {
            errors.Add(Hl7AckError.From(error));
        }
        var ack = Hl7Message.Parse(Hl7Acknowledgement.Create(message, errors.Count == 2 ? Hl7AckCode.Error : Hl7AckCode.Accept, Us, errors));
        Assert.Equal(message.ControlId, ack.Get("MSA-2") ?? "");
    }

    /// <summary>Reads every field, repetition, component and sub-component of every segment.</summary>
    private static void Touch(Hl7Message message)
    {
        foreach (var segment in message.Segments)
        {
            _ = segment.Raw;
            for (var f = 1; f <= segment.FieldCount; f++)
            {
                var field = segment.Field(f);
                _ = field.Value;
                if (field.Level == Hl7ValueLevel.Literal) continue;
                foreach (var repetition in field.Repetitions)
                {
                    for (var c = 1; c <= repetition.ComponentCount; c++)
                    {
                        var component = repetition.Component(c);
                        _ = component.Value;
                        _ = component.SubComponent(1).Value;
                        _ = component.SubComponent(2).Value;
                    }
                }
            }
        }
        _ = message.Get("PID-3(2).4.2");
        _ = message.ToString();
    }

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
