using MedicalHub.Content.Formats.Hl7v2;

namespace MedicalHub.Content.Formats.Tests.Hl7v2;

public class Hl7FormatErrorTests
{
    private static Hl7FormatException Refuse(string text) => Assert.Throws<Hl7FormatException>(() => Hl7Message.Parse(text));

    [Fact]
    public void A_message_without_MSH_is_refused_at_its_first_segment()
    {
        var error = Refuse(Hl7Samples.Segments("PID|1||X1", "OBX|1|NM|A^B||1"));

        Assert.Equal(Hl7ErrorKind.MissingMsh, error.Kind);
        Assert.Equal(0, error.Offset);
        Assert.Equal("PID", error.Location!.SegmentId);
        Assert.Contains("must begin with an MSH segment", error.Message, StringComparison.Ordinal);
        Assert.Equal(Hl7ErrorCondition.SegmentSequenceError, error.Condition);
    }

    [Fact]
    public void A_batch_is_refused_with_the_reason()
    {
        var error = Refuse(Hl7Samples.Segments(@"FHS|^~\&|A", @"BHS|^~\&|A", Hl7Samples.SpecOruR01));

        Assert.Equal(Hl7ErrorKind.MissingMsh, error.Kind);
        Assert.Contains("batch", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    public void An_empty_message_is_refused(string text)
    {
        Assert.Equal(Hl7ErrorKind.Empty, Refuse(text).Kind);
    }

    [Theory]
    [InlineData(@"MSHA^~\&|A", 3, "MSH-1")]
    [InlineData(@"MSH ^~\& A", 3, "MSH-1")]
    [InlineData(@"MSH|^~\|A|B|C|D|1||ADT^A08|1|P|2.5", 4, "3 characters")]
    [InlineData(@"MSH|^~\&#!|A|B|C|D|1||ADT^A08|1|P|2.5", 4, "6 characters")]
    [InlineData(@"MSH|^^\&|A|B|C|D|1||ADT^A08|1|P|2.5", 5, "repeats")]
    [InlineData(@"MSH|^~|&|A|B|C|D|1||ADT^A08|1|P|2.5", 4, "2 characters")]
    [InlineData(@"MSH|^~A&|A|B|C|D|1||ADT^A08|1|P|2.5", 6, "character 3")]
    public void Unusable_declared_delimiters_are_refused_where_they_are(string header, int offset, string reason)
    {
        var error = Refuse(Hl7Samples.Segments(header, "PID|1||X1"));

        Assert.Equal(Hl7ErrorKind.InvalidDelimiters, error.Kind);
        Assert.Equal(offset, error.Offset);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_segment_using_other_delimiters_than_MSH_is_refused_at_that_segment()
    {
        var text = Hl7Samples.Segments(@"MSH|^~\&|A|B|C|D|20260101||ORU^R01|1|P|2.5", "PID|1||X1", "OBR^1", "OBX|1|NM|A^B||1");

        var error = Refuse(text);

        Assert.Equal(Hl7ErrorKind.InvalidDelimiters, error.Kind);
        Assert.Equal(text.IndexOf("OBR", StringComparison.Ordinal) + 3, error.Offset);
        Assert.Equal(new Hl7Location("OBR", 1), error.Location);
        Assert.Contains("segment 3 (OBR)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'^'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OB")]
    [InlineData("O")]
    public void A_segment_cut_before_the_end_of_its_ID_is_refused_as_truncated(string last)
    {
        var text = Hl7Samples.Segments(@"MSH|^~\&|A|B|C|D|20260101||ORU^R01|1|P|2.5", "PID|1||X1") + last;

        var error = Refuse(text);

        Assert.Equal(Hl7ErrorKind.TruncatedSegment, error.Kind);
        Assert.Equal(text.Length - last.Length, error.Offset);
        Assert.Equal(3, error.Location!.SegmentSequence);
    }

    [Theory]
    [InlineData(@"MSH|^~\&|A|B|C|D|20260101", 7)]
    [InlineData(@"MSH|^~\&|A|B|C|D|20260101||ORU^R01", 9)]
    [InlineData(@"MSH|^~\&|A|B|C|D|20260101||ORU^R01|CTRL|P", 11)]
    public void An_MSH_cut_before_its_required_fields_is_refused_as_truncated(string header, int lastField)
    {
        var error = Refuse(header);

        Assert.Equal(Hl7ErrorKind.TruncatedSegment, error.Kind);
        Assert.Contains($"MSH ends after MSH-{lastField}", error.Message, StringComparison.Ordinal);
        Assert.Equal(Hl7ErrorCondition.RequiredFieldMissing, error.Condition);
    }

    [Fact]
    public void An_MSH_cut_inside_the_encoding_characters_is_refused_as_truncated()
    {
        var error = Refuse(@"MSH|^~\");

        Assert.Equal(Hl7ErrorKind.TruncatedSegment, error.Kind);
        Assert.Equal(2, error.Location!.Field);
    }

    [Theory]
    [InlineData(@"MSH|^~\&|A|B|C|D|20260101|||CTRL|P|2.5", 9)]
    [InlineData(@"MSH|^~\&|A|B|C|D|20260101||ORU^R01||P|2.5", 10)]
    [InlineData(@"MSH|^~\&|A|B|C|D|20260101||ORU^R01|CTRL|P|", 12)]
    public void An_empty_required_header_field_is_refused(string header, int field)
    {
        var error = Refuse(header);

        Assert.Equal(Hl7ErrorKind.RequiredFieldMissing, error.Kind);
        Assert.Equal(field, error.Location!.Field);
        Assert.Equal(OffsetOfField(header, field), error.Offset);
    }

    private static int OffsetOfField(string header, int field)
    {
        // MSH-n starts after the (n-1)-th field separator, MSH-1 itself being the first.
        var position = 3;
        for (var i = 1; i < field - 1; i++) position = header.IndexOf('|', position + 1);
        return position + 1;
    }

    [Fact]
    public void An_invalid_segment_ID_is_refused()
    {
        var text = Hl7Samples.Segments(@"MSH|^~\&|A|B|C|D|20260101||ORU^R01|1|P|2.5", "pid|1||X1");

        var error = Refuse(text);

        Assert.Equal(Hl7ErrorKind.InvalidSegmentId, error.Kind);
        Assert.Equal(text.IndexOf("pid", StringComparison.Ordinal), error.Offset);
    }

    [Fact]
    public void A_control_character_inside_a_segment_is_refused_with_its_field()
    {
        var text = Hl7Samples.Segments(@"MSH|^~\&|A|B|C|D|20260101||ORU^R01|1|P|2.5", "PID|1||X\u00011");

        var error = Refuse(text);

        Assert.Equal(Hl7ErrorKind.InvalidCharacter, error.Kind);
        Assert.Equal(text.IndexOf('\u0001', StringComparison.Ordinal), error.Offset);
        Assert.Equal(new Hl7Location("PID", 1, 3), error.Location);
    }

    [Fact]
    public void An_MLLP_frame_that_is_not_closed_is_refused_as_truncated()
    {
        var framed = Mllp.Frame(Hl7Samples.SpecOruR01);

        var error = Assert.Throws<Hl7FormatException>(() => Hl7Message.Parse(framed.AsSpan(0, framed.Length - 2)));

        Assert.Equal(Hl7ErrorKind.InvalidFraming, error.Kind);
        Assert.Equal(0, error.Offset);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_messages_in_one_frame_or_a_frame_without_start_are_refused()
    {
        var one = Hl7Samples.SpecOruR01;

        Assert.Equal(Hl7ErrorKind.InvalidFraming, Refuse("\v" + one + "\x1c\r\v" + one + "\x1c\r").Kind);
        Assert.Equal(Hl7ErrorKind.InvalidFraming, Refuse(one + "\x1c\r").Kind);
    }

    [Fact]
    public void A_message_over_the_size_limit_is_refused_before_it_is_read()
    {
        var error = Assert.Throws<Hl7FormatException>(() => Hl7Message.Parse(Hl7Samples.SpecOruR01, new Hl7ParseOptions { MaxLength = 100 }));

        Assert.Equal(Hl7ErrorKind.TooLarge, error.Kind);
    }

    [Fact]
    public void Error_messages_name_positions_and_never_field_values()
    {
        var text = Hl7Samples.Segments(@"MSH|^~\&|A|B|C|D|20260101||ORU^R01|1|P|2.5", "PID|1||SECRET-MRN||SECRET^NAME\u0002");

        var error = Refuse(text);

        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"HL7 v2: at offset {text.IndexOf('\u0002', StringComparison.Ordinal)} (PID(1)-5): ", error.Message, StringComparison.Ordinal);
    }

    // Found by the mutation tests: a header line too short to hold MSH-18 (was an IndexOutOfRangeException).
    [Theory]
    [InlineData("MSH|\r")]
    [InlineData("MSH|^\rPID|1")]
    [InlineData("MSH")]
    public void A_header_too_short_for_its_character_set_field_is_refused_as_bytes_too(string text)
    {
        var error = Assert.Throws<Hl7FormatException>(() => Hl7Message.Parse(System.Text.Encoding.ASCII.GetBytes(text)));

        Assert.True(error.Kind is Hl7ErrorKind.TruncatedSegment or Hl7ErrorKind.InvalidDelimiters, error.Message);
    }

    // Found by the mutation tests: a control character in MSH-18 went into the error text and made the NAK unreadable.
    [Fact]
    public void An_unreadable_character_set_name_is_not_echoed_and_the_NAK_stays_readable()
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(Hl7Samples.Segments("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5|||||FRA|8859\v/1", "PID|1||X1"));

        var error = Assert.Throws<Hl7FormatException>(() => Hl7Message.Parse(bytes));
        var nak = Hl7Message.Parse(Hl7Acknowledgement.ForUnreadable(bytes, error, new Hl7AckHeader("N1", DateTimeOffset.UnixEpoch)));

        Assert.Equal(Hl7ErrorKind.UnsupportedCharacterSet, error.Kind);
        Assert.DoesNotContain('\v', error.Message);
        Assert.Equal("AR", nak.Get("MSA-1"));
        Assert.Equal(error.Message, nak.Get("ERR-8"));
    }
}
