using System.Text.RegularExpressions;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Data.Audit;
using MedicalHub.Security.Authorization;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>One access to record (see <see cref="MessageAccessRecord"/>).</summary>
public sealed record MessageAccess(string Action, Guid? ConversationId, Guid? PatientId, int MessageCount, string? Detail = null);

/// <summary>
/// Records accesses to messages in the organization's audit chain, before the answer leaves (its own transaction) or
/// within the transaction of a change. Who and from where come from the current request or hub connection.
/// </summary>
public sealed partial class MessageAccessAudit(AuditChain<CommunicationDbContext, MessageAccessRecord> chain)
{
    public async Task RecordAsync(ConversationCaller caller, HttpContext? http, MessageAccess access, CancellationToken ct) =>
        await chain.AppendAsync(caller.OrganizationId, [ToRecord(caller, http, access)], ct);

    public async Task RecordWithinTransactionAsync(CommunicationDbContext db, ConversationCaller caller, HttpContext? http, MessageAccess access, CancellationToken ct) =>
        await chain.AppendWithinTransactionAsync(db, caller.OrganizationId, [ToRecord(caller, http, access)], ct);

    private static MessageAccessRecord ToRecord(ConversationCaller caller, HttpContext? http, MessageAccess access)
    {
        if (!MessageAccessActions.All.Contains(access.Action))
        {
            throw new ArgumentException($"'{access.Action}' is not a message access action.", nameof(access));
        }
        var request = http?.Request;
        return new MessageAccessRecord
        {
            OrganizationId = caller.OrganizationId,
            Action = access.Action,
            UserId = caller.UserId,
            ClientId = Printable(caller.ClientId, 100),
            ConversationId = access.ConversationId,
            PatientId = access.PatientId,
            MessageCount = access.MessageCount,
            IpAddress = http?.Connection.RemoteIpAddress?.ToString(),
            ForwardedFor = Printable(request?.Headers["X-Forwarded-For"].ToString(), 200),
            UserAgent = Printable(request?.Headers.UserAgent.ToString(), 500),
            RequestId = request is null ? null
                : WellFormedRequestId().IsMatch(request.Headers["X-Request-Id"].ToString()) ? request.Headers["X-Request-Id"].ToString()
                : Printable(http!.TraceIdentifier, 64),
            Detail = Printable(access.Detail, 500),
        };
    }

    /// <summary>A value as recorded: control characters replaced by '?', then truncated; null when empty.</summary>
    private static string? Printable(string? value, int length)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var printable = new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]);
        return printable.Length <= length ? printable : printable[..length];
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex WellFormedRequestId();
}
