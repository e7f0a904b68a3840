namespace MedicalHub.Communication.Api.Conversations;

/// <summary>The limits and rules of conversations and messages, in one place (the API, the hub and the tests read them here).</summary>
public static class ConversationRules
{
    public const int MaxSubjectLength = 200;

    /// <summary>A message's text, in characters (the gateway's 64 KB body limit leaves room for it, its attachments and mentions).</summary>
    public const int MaxBodyLength = 8000;

    public const int MaxParticipants = 100;

    public const int MaxAttachments = 10;

    public const int MaxMentions = 50;

    public const int MaxEmojiLength = 32;

    public const int MaxRoleLength = 100;

    /// <summary>The most messages one page (or one fetch of missed messages) returns.</summary>
    public const int MaxPageSize = 200;

    /// <summary>A role name as conversations route to it: 1 to 100 printable characters.</summary>
    public static bool IsRoleName(string? role) =>
        role is { Length: > 0 and <= MaxRoleLength } && role.Trim().Length == role.Length && !role.Any(char.IsControl);

    /// <summary>A reaction: one short piece of text with no control characters and no spaces (an emoji, or a name such as <c>+1</c>).</summary>
    public static bool IsReaction(string? emoji) =>
        emoji is { Length: > 0 and <= MaxEmojiLength } && !emoji.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));

    /// <summary>The key of a direct conversation between two users: the same whoever starts it.</summary>
    public static string DirectKey(Guid a, Guid b) => a.CompareTo(b) < 0 ? $"{a:N}:{b:N}" : $"{b:N}:{a:N}";

    /// <summary>
    /// Who a caller may start a conversation with (null: allowed; otherwise why not, for a 422). Staff start direct and
    /// group conversations with other staff of their organization, and patient conversations for a patient's portal
    /// account; a patient starts only a patient conversation of their own with the care team (a role), never with
    /// another person: a patient addressing another patient, or anyone by name, is refused.
    /// </summary>
    public static string? WhoMayBeAddressed(ConversationCaller caller, ConversationKind kind, IReadOnlyCollection<Guid> participantIds, Guid? patientUserId)
    {
        if (caller.IsPatient)
        {
            if (kind != ConversationKind.Patient)
            {
                return "A patient writes to the practice's care team: start a patient conversation.";
            }
            if (participantIds.Count > 0 || (patientUserId is { } other && other != caller.UserId))
            {
                return "A patient writes only to the care team (routedRole), never to other people by name.";
            }
            return null;
        }
        if (participantIds.Contains(caller.UserId))
        {
            return "You take part in the conversations you start: do not list yourself.";
        }
        return kind switch
        {
            ConversationKind.Direct when participantIds.Count != 1 => "A direct conversation has exactly one other participant.",
            ConversationKind.Group when participantIds.Count is < 1 or > MaxParticipants - 1 => $"A group has 1 to {MaxParticipants - 1} other participants.",
            ConversationKind.Patient when patientUserId is null => "A patient conversation names the patient's portal account (patientUserId).",
            ConversationKind.Patient when participantIds.Count > 0 => "A patient conversation is between the patient and a role (routedRole), not named staff.",
            _ => null,
        };
    }
}
