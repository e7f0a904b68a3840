namespace MedicalHub.Content.Formats.Hl7v2.Mapping;

/// <summary>Reads MSH into <see cref="Hl7MessageHeader"/> and checks a message is of the type a mapping reads.</summary>
internal static class HeaderReader
{
    public static void Require(Hl7Message message, string code, IReadOnlyCollection<string> triggers, string? trigger = null)
    {
        var msh = message.Header;
        if (message.MessageCode != code)
        {
            throw new Hl7FormatException(Hl7ErrorKind.UnsupportedMessageType, $"this mapping reads {code} messages; MSH-9.1 is not {code}",
                msh.FieldOffset(9), msh.Location(9, component: 1));
        }
        if (!triggers.Contains(trigger ?? message.TriggerEvent))
        {
            throw new Hl7FormatException(Hl7ErrorKind.UnsupportedTriggerEvent,
                $"this mapping reads {code} with trigger event {string.Join(", ", triggers)}; MSH-9.2 is another",
                msh.FieldOffset(9), msh.Location(9, component: 2));
        }
    }

    public static Hl7MessageHeader Read(Hl7Message message, List<Hl7MappingWarning> warnings)
    {
        var msh = message.Header;
        return new Hl7MessageHeader(message.ControlId, message.MessageCode, message.TriggerEvent,
            DataTypeReaders.Text(msh.Field(9).Component(3)),
            DataTypeReaders.Text(msh.Field(3).Component(1)), DataTypeReaders.Text(msh.Field(4).Component(1)),
            DataTypeReaders.Text(msh.Field(5).Component(1)), DataTypeReaders.Text(msh.Field(6).Component(1)),
            DataTypeReaders.Timestamp(msh, 7, "MSH-7 (date/time of message)", warnings),
            DataTypeReaders.Text(msh.Field(11).Component(1)), message.Version);
    }
}
