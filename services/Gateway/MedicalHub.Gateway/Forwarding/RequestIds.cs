using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MedicalHub.Gateway.Forwarding;

/// <summary>
/// Every request gets an id: the caller's <c>X-Request-Id</c> when it is well formed (so a client can
/// follow its own call), a new one otherwise. It is echoed on the response (errors and 429s included),
/// tagged on the trace, carried as baggage, and forwarded to the service.
/// </summary>
public static partial class RequestIds
{
    public const string HeaderName = "X-Request-Id";
    public const string TagName = "medicalhub.request_id";

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var inbound = context.Request.Headers[HeaderName];
        var id = inbound.Count == 1 && WellFormed().IsMatch(inbound[0]!) ? inbound[0]! : Guid.CreateVersion7().ToString("N");
        context.Request.Headers[HeaderName] = id;
        context.TraceIdentifier = id;
        Activity.Current?.SetTag(TagName, id);
        Activity.Current?.AddBaggage("request.id", id);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = id;
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>Letters, digits and <c>- _ . :</c>, at most 64 characters: enough for a GUID or a trace id, nothing that could smuggle a header or a log line.</summary>
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex WellFormed();
}
