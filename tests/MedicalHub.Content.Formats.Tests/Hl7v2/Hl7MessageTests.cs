using MedicalHub.Content.Formats.Hl7v2;

namespace MedicalHub.Content.Formats.Tests.Hl7v2;

public class Hl7MessageTests
{
    [Fact]
    public void Reads_the_header_fields_including_MSH_1_and_MSH_2_literally()
    {
        var message = Hl7Message.Parse(Hl7Samples.SpecOruR01);

        Assert.Equal("|", message.Get("MSH-1"));
        Assert.Equal(@"^~\&", message.Get("MSH-2"));
        Assert.Equal("GHH LAB", message.Get("MSH-3"));
        Assert.Equal("ORU", message.MessageCode);
        Assert.Equal("R01", message.TriggerEvent);
        Assert.Equal("CNTRL-3456", message.ControlId);
        Assert.Equal("2.4", message.Version);
        Assert.Equal(["MSH", "PID", "OBR", "OBX"], message.Segments.Select(s => s.Name));
    }

    [Fact]
    public void Reads_repetitions_components_and_subcomponents_by_path()
    {
        var message = Hl7Message.Parse(Hl7Samples.CompleteBloodCount);

        Assert.Equal("MRN0012345", message.Get("PID-3.1"));
        Assert.Equal("MRN0012345", message.Get("PID-3(1).1"));
        Assert.Equal("1850712345678", message.Get("PID-3(2).1"));
        Assert.Equal("PRACTICE42", message.Get("PID-3.4.1"));
        Assert.Equal("2.16.840.1.113883.3.72.5.9.1", message.Get("PID-3(1).4.2"));
        Assert.Equal("NH", message.Get("PID-3(2).5"));
        Assert.Equal("Martin", message.Get("PID-5(2).1"));
        Assert.Equal(2, message.Select("PID-3").RepetitionCount);
        Assert.Null(message.Get("PID-3(3).1"));
        Assert.Null(message.Get("PID-99"));
        Assert.Null(message.Get("ZZZ-1"));
    }

    [Fact]
    public void Numbers_segment_occurrences_from_one()
    {
        var message = Hl7Message.Parse(Hl7Samples.CompleteBloodCount);

        Assert.Equal("11.8", message.Get("OBX-5"));
        Assert.Equal("11.8", message.Get("OBX(1)-5"));
        Assert.Equal("13.1", message.Get("OBX(3)-5"));
        Assert.Equal("Previous value 12.1 g/dL.", message.Get("NTE(3)-3"));
        Assert.Equal(9, message.SegmentsNamed("OBX").Count());
        Assert.Equal(3, message.Segment("OBX", 3)!.Occurrence);
    }

    [Fact]
    public void Keeps_Z_segments_readable_by_path()
    {
        var message = Hl7Message.Parse(Hl7Samples.CompleteBloodCount);

        Assert.Equal("ZLB", message.Segments[^1].Name);
        Assert.Equal("A7", message.Get("ZLB-2.2"));
    }

    [Fact]
    public void Resolves_escape_sequences_in_message_values()
    {
        var message = Hl7Message.Parse(Hl7Samples.CompleteBloodCount);

        Assert.Equal(@"Hémolyse légère & lipémie; voir \note\ | rapport", message.Get("OBX(7)-5"));
        Assert.Equal("Line one\nLine two\n\nImportant end", message.Get("OBX(8)-5"));
        Assert.Equal(@"Hémolyse légère \T\ lipémie; voir \E\note\E\ \F\ rapport", message.Select("OBX(7)-5").Raw);
    }

    [Theory]
    [InlineData(@"a\F\b", "a|b")]
    [InlineData(@"a\S\b", "a^b")]
    [InlineData(@"a\T\b", "a&b")]
    [InlineData(@"a\R\b", "a~b")]
    [InlineData(@"a\E\b", @"a\b")]
    [InlineData(@"\X41424344\", "ABCD")]
    [InlineData(@"\XC3A9\", "é")]
    [InlineData(@"\XE9\", "é")]
    [InlineData(@"x\.br\y", "x\ny")]
    [InlineData(@"x\.sp\y", "x\ny")]
    [InlineData(@"x\.sp3\y", "x\n\n\ny")]
    [InlineData(@"x\.in+4\\.ti-2\\.ce\\.fi\\.nf\\.sk2\y", "xy")]
    [InlineData(@"\H\bold\N\", "bold")]
    [InlineData(@"\C2842\x", "x")]
    [InlineData(@"\Zlocal\", @"\Zlocal\")]
    [InlineData(@"\Q\", @"\Q\")]
    [InlineData(@"\X4\", @"\X4\")]
    [InlineData(@"C:\temp", @"C:\temp")]
    [InlineData(@"trailing\", @"trailing\")]
    [InlineData(@"\\", @"\\")]
    [InlineData(@"\P\", @"\P\")]
    public void Decodes_each_escape_sequence(string raw, string expected)
    {
        Assert.Equal(expected, Hl7Escaping.Decode(raw, Hl7Delimiters.Default));
    }

    [Fact]
    public void Resolves_the_truncation_escape_only_when_MSH_2_declares_it()
    {
        var message = Hl7Message.Parse(Hl7Samples.Segments(@"MSH|^~\&#|A|B|C|D|20260101||ADT^A08|1|P|2.7", @"NTE|1||50\P\ off #1"));

        Assert.Equal('#', message.Delimiters.Truncation);
        Assert.Equal("50# off #1", message.Get("NTE-3"));
    }

    [Fact]
    public void Encoding_then_decoding_gives_back_the_text()
    {
        var delimiters = new Hl7Delimiters('|', '^', '~', '\\', '&', '#');
        const string text = "a|b^c~d\\e&f#g\r\nh é";

        var encoded = Hl7Escaping.Encode(text, delimiters);

        Assert.DoesNotContain(encoded, c => c is '|' or '^' or '~' or '&' or '#' or '\r' or '\n');
        Assert.Equal(text, Hl7Escaping.Decode(encoded, delimiters));
    }

    [Fact]
    public void Uses_the_delimiters_MSH_declares()
    {
        // Field '!', component '$', repetition '*', escape '%', sub-component '@'.
        var message = Hl7Message.Parse(Hl7Samples.Segments(
            "MSH!$*%@!LAB!FAC!APP!DEST!20260101120000!!ORU$R01!CTRL-9!P!2.5",
            "PID!1!!A1$$$AUTH@1.2.3@ISO$MR*B2$$$OTHER$PI!!Doe$Jane",
            "OBR!1",
            "OBX!1!ST!X^1$Caret in code$L!!50%F%50 %S% done %E%"));

        Assert.Equal(new Hl7Delimiters('!', '$', '*', '%', '@'), message.Delimiters);
        Assert.Equal("B2", message.Get("PID-3(2).1"));
        Assert.Equal("1.2.3", message.Get("PID-3.4.2"));
        Assert.Equal("X^1", message.Get("OBX-3.1"));
        Assert.Equal("50!50 $ done %", message.Get("OBX-5"));
        Assert.Equal("ORU", message.MessageCode);
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r\r\n\n")]
    public void Accepts_CR_LF_and_CRLF_segment_terminators_and_blank_lines(string terminator)
    {
        var text = Hl7Samples.SpecOruR01.TrimEnd('\r').Replace("\r", terminator, StringComparison.Ordinal);

        var message = Hl7Message.Parse(text);

        Assert.Equal(4, message.Segments.Count);
        Assert.Equal("F", message.Get("OBX-11"));
        Assert.Equal(Hl7Samples.SpecOruR01, message.ToString());
    }

    [Fact]
    public void Removes_MLLP_framing_from_text_and_bytes()
    {
        var framed = Mllp.Frame(Hl7Samples.SpecOruR01);

        Assert.Equal(0x0B, framed[0]);
        Assert.Equal([0x1C, 0x0D], framed[^2..]);
        Assert.Equal("CNTRL-3456", Hl7Message.Parse(framed).ControlId);
        Assert.Equal("CNTRL-3456", Hl7Message.Parse("\v" + Hl7Samples.SpecOruR01 + "\x1c\r").ControlId);
        Assert.Equal("CNTRL-3456", Hl7Message.Parse("\r\n\v" + Hl7Samples.SpecOruR01 + "\x1c\r\n").ControlId);
    }

    [Fact]
    public void Decodes_bytes_as_UTF_8_or_as_the_Latin_1_MSH_18_declares()
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(Hl7Samples.CompleteBloodCount);
        Assert.Equal("Émilie", Hl7Message.Parse(utf8).Get("PID-5.2"));

        var latin1Text = Hl7Samples.Segments(@"MSH|^~\&|A|B|C|D|20260101||ADT^A08|1|P|2.5|||||FRA|8859/1", "PID|1||X1||Müller^Zoë");
        Assert.Equal("Zoë", Hl7Message.Parse(System.Text.Encoding.Latin1.GetBytes(latin1Text)).Get("PID-5.2"));

        // Undeclared Latin-1 (not valid UTF-8) is still read as Latin-1 rather than turned into replacement characters.
        var undeclared = Hl7Samples.Segments(@"MSH|^~\&|A|B|C|D|20260101||ADT^A08|1|P|2.5", "PID|1||X1||Müller^Zoë");
        Assert.Equal("Müller", Hl7Message.Parse(System.Text.Encoding.Latin1.GetBytes(undeclared)).Get("PID-5.1"));
    }

    [Fact]
    public void Refuses_a_character_set_it_cannot_decode()
    {
        var text = Hl7Samples.Segments(@"MSH|^~\&|A|B|C|D|20260101||ADT^A08|1|P|2.5|||||JPN|ISO IR87", "PID|1||X1");

        var error = Assert.Throws<Hl7FormatException>(() => Hl7Message.Parse(System.Text.Encoding.ASCII.GetBytes(text)));

        Assert.Equal(Hl7ErrorKind.UnsupportedCharacterSet, error.Kind);
        Assert.Equal(18, error.Location!.Field);
    }

    [Fact]
    public void Tells_an_empty_field_from_an_explicit_null()
    {
        var message = Hl7Message.Parse(Hl7Samples.AdtA08Update);

        Assert.True(message.Select("PID-14").IsExplicitNull);
        Assert.False(message.Select("PID-12").IsPresent);
        Assert.False(message.Select("PID-12").IsExplicitNull);
    }

    [Fact]
    public void Counts_fields_as_HL7_numbers_them()
    {
        var message = Hl7Message.Parse(Hl7Samples.SpecAdtA01);

        Assert.Equal(14, message.Header.FieldCount); // "…|P|2.8||" ends with empty MSH-13 and MSH-14
        Assert.Equal(4, message.Segment("EVN")!.FieldCount); // "EVN|A01|200708181123||"
        Assert.Equal(30, Hl7Message.Parse(Hl7Samples.AdtA08Update).Segment("PID")!.FieldCount);
    }

    [Theory]
    [InlineData("PID")]
    [InlineData("PID-")]
    [InlineData("PID-0")]
    [InlineData("PID-3(0)")]
    [InlineData("PID-3.")]
    [InlineData("PID-3.1.2.3")]
    [InlineData("pid-3")]
    [InlineData("PID(1-3")]
    [InlineData("PID-3x")]
    public void Refuses_a_path_that_is_not_one(string path)
    {
        var message = Hl7Message.Parse(Hl7Samples.SpecOruR01);

        Assert.Throws<ArgumentException>(() => message.Get(path));
    }
}
