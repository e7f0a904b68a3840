using MedicalHub.Content.Formats.Hl7v2;

namespace MedicalHub.Content.Formats.Tests.Hl7v2;

public class Hl7AcknowledgementTests
{
    private static readonly Hl7AckHeader Us = new("ACK-0001", new DateTimeOffset(2026, 11, 24, 9, 30, 5, TimeSpan.FromHours(1)));

    [Fact]
    public void An_AA_echoes_the_control_id_and_addresses_the_sender()
    {
        var original = Hl7Message.Parse(Hl7Samples.CompleteBloodCount);

        var ack = Hl7Message.Parse(Hl7Acknowledgement.Create(original, Hl7AckCode.Accept, Us));

        Assert.Equal("MEDICALHUB", ack.Get("MSH-3"));
        Assert.Equal("PRACTICE-42", ack.Get("MSH-4"));
        Assert.Equal("LIS", ack.Get("MSH-5"));
        Assert.Equal("2.16.840.1.113883.3.72.5.20", ack.Get("MSH-6.2"));
        Assert.Equal("20261124093005+0100", ack.Get("MSH-7"));
        Assert.Equal("ACK^R01^ACK", ack.Select("MSH-9").Raw);
        Assert.Equal("ACK-0001", ack.ControlId);
        Assert.Equal("P", ack.Get("MSH-11"));
        Assert.Equal("2.5.1", ack.Version);
        Assert.Equal("AA", ack.Get("MSA-1"));
        Assert.Equal("LAB-20261124-0001", ack.Get("MSA-2"));
        Assert.Null(ack.Segment("ERR"));
    }

    [Fact]
    public void An_AE_carries_each_error_in_an_ERR_with_location_code_and_severity()
    {
        var original = Hl7Message.Parse(Hl7Samples.CompleteBloodCount);
        Hl7AckError[] errors =
        [
            new(Hl7ErrorCondition.UnknownKeyIdentifier, "no patient matches PID-3", new Hl7Location("PID", 1, 3, 1, 1)),
            new(Hl7ErrorCondition.DataTypeError, "OBX-5 is not a number | kept", new Hl7Location("OBX", 4, 5), Hl7ErrorSeverity.Warning),
        ];

        var ack = Hl7Message.Parse(Hl7Acknowledgement.Create(original, Hl7AckCode.Error, Us, errors));

        Assert.Equal("AE", ack.Get("MSA-1"));
        Assert.Equal("PID^1^3^1^1", ack.Select("ERR(1)-2").Raw);
        Assert.Equal("204", ack.Get("ERR(1)-3.1"));
        Assert.Equal("Unknown key identifier", ack.Get("ERR(1)-3.2"));
        Assert.Equal("HL70357", ack.Get("ERR(1)-3.3"));
        Assert.Equal("E", ack.Get("ERR(1)-4"));
        Assert.Equal("no patient matches PID-3", ack.Get("ERR(1)-8"));
        Assert.Equal("OBX^4^5^1", ack.Select("ERR(2)-2").Raw);
        Assert.Equal("W", ack.Get("ERR(2)-4"));
        Assert.Equal("OBX-5 is not a number | kept", ack.Get("ERR(2)-8"));
    }

    [Fact]
    public void Before_v2_5_the_error_goes_to_ERR_1_and_MSA_3()
    {
        var original = Hl7Message.Parse(Hl7Samples.SpecOruR01);

        var ack = Hl7Message.Parse(Hl7Acknowledgement.Create(original, Hl7AckCode.Error, Us,
            [new Hl7AckError(Hl7ErrorCondition.RequiredFieldMissing, "OBX-3 is required", new Hl7Location("OBX", 1, 3))]));

        Assert.Equal("2.4", ack.Version);
        Assert.Equal("OBX-3 is required", ack.Get("MSA-3"));
        Assert.Equal("OBX", ack.Get("ERR-1.1"));
        Assert.Equal("1", ack.Get("ERR-1.2"));
        Assert.Equal("3", ack.Get("ERR-1.3"));
        Assert.Equal("101", ack.Get("ERR-1.4.1"));
    }

    [Fact]
    public void The_acknowledgement_uses_the_original_delimiters()
    {
        var original = Hl7Message.Parse(Hl7Samples.Segments("MSH!$*%@!LAB!FAC!APP!DEST!20260101120000!!ORU$R01!CTRL-9!P!2.5", "OBR!1"));

        var text = Hl7Acknowledgement.Create(original, Hl7AckCode.Accept, Us with { SendingApplication = "MEDICAL!HUB" });
        var ack = Hl7Message.Parse(text);

        Assert.StartsWith("MSH!$*%@!MEDICAL%F%HUB!", text, StringComparison.Ordinal);
        Assert.Equal("MEDICAL!HUB", ack.Get("MSH-3"));
        Assert.Equal("CTRL-9", ack.Get("MSA-2"));
    }

    [Fact]
    public void A_NAK_for_an_unreadable_message_salvages_the_control_id_and_names_the_problem()
    {
        var text = Hl7Samples.Segments(@"MSH|^~\&|LIS|LAB|MH|PRAC|20260101||ORU^R01|CTRL-77|P|2.5.1", "PID|1||X1", "OBR^1");
        var error = Assert.Throws<Hl7FormatException>(() => Hl7Message.Parse(text));

        var nak = Hl7Message.Parse(Hl7Acknowledgement.ForUnreadable(text, error, Us));

        Assert.Equal("AR", nak.Get("MSA-1"));
        Assert.Equal("CTRL-77", nak.Get("MSA-2"));
        Assert.Equal("LIS", nak.Get("MSH-5"));
        Assert.Equal("ACK^R01^ACK", nak.Select("MSH-9").Raw);
        Assert.Equal("102", nak.Get("ERR-3.1"));
        Assert.Equal("OBR^1", nak.Select("ERR-2").Raw);
        Assert.Equal(error.Message, nak.Get("ERR-8"));
    }

    [Theory]
    [InlineData("PID|1||X1")]
    [InlineData("")]
    [InlineData("MSH")]
    [InlineData("MSHAAAAAAAAAAAA")]
    public void A_NAK_is_written_even_when_nothing_of_MSH_can_be_read(string text)
    {
        var error = Assert.Throws<Hl7FormatException>(() => Hl7Message.Parse(text));

        var nak = Hl7Message.Parse(Hl7Acknowledgement.ForUnreadable(text, error, Us));

        Assert.Equal("AR", nak.Get("MSA-1"));
        Assert.Null(nak.Get("MSA-2"));
        Assert.Equal("ACK", nak.Get("MSH-9"));
        Assert.Equal("2.5.1", nak.Version);
    }

    [Fact]
    public void An_acknowledgement_frames_for_MLLP_and_reads_back()
    {
        var original = Hl7Message.Parse(Mllp.Frame(Hl7Samples.SpecAdtA01));

        var framed = Mllp.Frame(Hl7Acknowledgement.Create(original, Hl7AckCode.Accept, Us));

        Assert.Equal("MSG00001", Hl7Message.Parse(framed).Get("MSA-2"));
    }

    // Found by the mutation tests: with '+' as field separator the ACK's own timestamp (…+0100) split MSH-7 in two.
    [Fact]
    public void What_the_acknowledgement_writes_itself_is_escaped_against_the_original_delimiters()
    {
        var original = Hl7Message.Parse(Hl7Samples.Segments(@"MSH+^~\&+LAB+FAC+APP+DEST+20260101120000++ORU^R01+CTRL-9+P+2.5", "OBR+1"));

        var ack = Hl7Message.Parse(Hl7Acknowledgement.Create(original, Hl7AckCode.Accept, Us));

        Assert.Equal("20261124093005+0100", ack.Get("MSH-7"));
        Assert.Equal("ACK", ack.MessageCode);
        Assert.Equal("CTRL-9", ack.Get("MSA-2"));
    }
}
