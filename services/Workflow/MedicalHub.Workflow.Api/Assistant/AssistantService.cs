using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using MedicalHub.Security.Authorization;
using MedicalHub.Workflow.Api.Audit;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace MedicalHub.Workflow.Api.Assistant;

/// <summary>
/// One use of the assistant, start to end: the organization's provider, PHI policy and budget are checked; the patient's
/// record is read from Content as the caller; the prompt is de-identified when the policy says so; the provider is called
/// (streamed or not) within its timeout; placeholders are restored; and the call is audited whatever happened.
/// Prompts and answers are never logged: only their hashes are kept.
/// </summary>
public sealed class AssistantService(WorkflowDbContext db, AssistantProviders providers, PatientRecordReader records, CurrentCaller caller,
    IOptions<AssistantOptions> options, TimeProvider time, ILogger<AssistantService> logger)
{
    public sealed record Request(Guid PatientId, string Purpose, string? Text, Guid? DocumentId, string CallerToken);

    public sealed record Citation(string Key, string Reference, string Title, DateTimeOffset? Date);

    public sealed record Answer(Guid CallId, string Text, IReadOnlyList<Citation> Citations, string Provider, string Model, string PhiPolicy,
        long InputTokens, long OutputTokens, decimal CostEstimate, double LatencyMilliseconds);

    /// <summary>A refusal or failure, as the HTTP status and words the caller gets.</summary>
    public sealed record Problem(int Status, string Title, string Detail, Guid? CallId = null);

    /// <summary>What a call is ready to send once every check has passed.</summary>
    public sealed class Prepared
    {
        public required AssistantCall Call { get; init; }
        public required IChatClient Client { get; init; }
        public required AssistantProviderOptions Provider { get; init; }
        public required List<ChatMessage> Messages { get; init; }
        public required IReadOnlyList<AssistantSource> Sources { get; init; }
        public Deidentifier? Deidentifier { get; init; }
    }

    public async Task<(Prepared? Ready, Problem? Refused)> PrepareAsync(Request request, CancellationToken ct)
    {
        var settings = await db.Set<AssistantSettings>().AsNoTracking().SingleOrDefaultAsync(ct);
        var call = new AssistantCall
        {
            Id = Guid.CreateVersion7(),
            At = time.GetUtcNow(),
            Actor = PatientDataAudit.ActorOf(caller),
            PatientId = request.PatientId,
            DocumentId = request.DocumentId,
            Purpose = request.Purpose,
            Outcome = "refused",
            PhiPolicy = settings?.PhiPolicy ?? PhiPolicy.Nothing,
            Provider = settings?.Provider,
        };
        if (settings?.Provider is null || providers.Find(settings.Provider) is not { } provider)
        {
            return (null, await RefuseAsync(call, StatusCodes.Status409Conflict, "The AI assistant is not configured.",
                settings?.Provider is null ? "The organization has chosen no AI provider (PUT /api/assistant/settings)."
                    : $"The organization's provider '{settings.Provider}' is not configured on this deployment.", ct));
        }
        call.Model = provider.Options.Model;
        if (settings.PhiPolicy == PhiPolicy.Nothing)
        {
            return (null, await RefuseAsync(call, StatusCodes.Status403Forbidden, "The organization's policy sends no patient data to AI providers.",
                "Its PHI policy is 'nothing'; an administrator can allow de-identified data, or full data with a signed agreement.", ct));
        }
        if (settings.PhiPolicy == PhiPolicy.Full && settings.AgreementReference is null)
        {
            return (null, await RefuseAsync(call, StatusCodes.Status403Forbidden, "Full data needs a signed agreement.", "No agreement with the provider is recorded.", ct));
        }
        if (settings.MonthlyTokenBudget is { } budget)
        {
            var used = await TokensUsedThisMonthAsync(ct);
            if (used >= budget)
            {
                return (null, await RefuseAsync(call, StatusCodes.Status429TooManyRequests, "The organization's AI token budget for this month is spent.",
                    $"{used} of {budget} tokens used since {MonthStart():yyyy-MM-dd}; it renews on the first of next month, or an administrator can raise it.", ct));
            }
        }

        PatientRecord record;
        try
        {
            record = await records.ReadAsync(request.PatientId, request.CallerToken, request.DocumentId, request.Purpose == AssistantPrompts.Purposes.Question ? request.Text : null, ct);
        }
        catch (PatientRecordReader.NotAccessibleException ex)
        {
            return (null, new Problem(StatusCodes.Status404NotFound, request.DocumentId is null ? "Patient not found." : "Document not found.",
                $"Content does not give this {(request.DocumentId is null ? "patient" : "patient's document")} to the caller ({(int)ex.Status})."));
        }
        catch (HttpRequestException ex)
        {
            LogContentFailure(logger, call.Id, ex.StatusCode is { } status ? (int)status : null);
            return (null, new Problem(StatusCodes.Status502BadGateway, "The patient's record could not be read.", "Content did not answer as expected; try again."));
        }

        var (system, user) = AssistantPrompts.Build(request.Purpose, request.Text, record.Sources, options.Value.MaxContextCharacters);
        Deidentifier? deidentifier = null;
        if (settings.PhiPolicy == PhiPolicy.Deidentified)
        {
            deidentifier = new Deidentifier(record.Identifying());
            user = deidentifier.Protect(user);
        }
        call.PromptHash = Hash(system + "\n" + user);
        call.SourceCount = record.Sources.Count;
        return (new Prepared
        {
            Call = call,
            Client = provider.Client,
            Provider = provider.Options,
            Messages = [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, user)],
            Sources = record.Sources,
            Deidentifier = deidentifier,
        }, null);
    }

    /// <summary>
    /// Calls the provider. With <paramref name="onText"/> the answer is streamed: each restored piece is handed over as it
    /// comes. A failure before the first piece is a <see cref="Problem"/>; after it, the caller has to tell its client.
    /// </summary>
    public async Task<(Answer? Answer, Problem? Failed)> CallAsync(Prepared prepared, Func<string, Task>? onText, CancellationToken ct)
    {
        var call = prepared.Call;
        call.Streamed = onText is not null;
        var exchange = ProviderExchange.Begin();
        var stopwatch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(prepared.Provider.Timeout);
        var chatOptions = new ChatOptions { MaxOutputTokens = options.Value.MaxOutputTokens };
        var received = new StringBuilder();
        try
        {
            if (onText is null)
            {
                var response = await prepared.Client.GetResponseAsync(prepared.Messages, chatOptions, deadline.Token);
                received.Append(response.Text);
                call.InputTokens = response.Usage?.InputTokenCount ?? 0;
                call.OutputTokens = response.Usage?.OutputTokenCount ?? 0;
            }
            else
            {
                var restorer = prepared.Deidentifier?.ForStream();
                await foreach (var update in prepared.Client.GetStreamingResponseAsync(prepared.Messages, chatOptions, deadline.Token))
                {
                    foreach (var usage in update.Contents.OfType<UsageContent>())
                    {
                        call.InputTokens += usage.Details.InputTokenCount ?? 0;
                        call.OutputTokens += usage.Details.OutputTokenCount ?? 0;
                    }
                    var piece = update.Text;
                    if (string.IsNullOrEmpty(piece))
                    {
                        continue;
                    }
                    received.Append(piece);
                    var shown = restorer is null ? piece : restorer.Push(piece);
                    if (shown.Length > 0)
                    {
                        await onText(shown);
                    }
                }
                if (restorer?.Flush() is { Length: > 0 } rest)
                {
                    await onText(rest);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var timedOut = ex is OperationCanceledException || deadline.IsCancellationRequested;
            return (null, await FailAsync(call, stopwatch.Elapsed, exchange.Status, timedOut, ex, ct));
        }

        var raw = received.ToString();
        if (raw.Length == 0)
        {
            return (null, await FailAsync(call, stopwatch.Elapsed, exchange.Status, timedOut: false, error: null, ct));
        }
        var text = prepared.Deidentifier?.Restore(raw) ?? raw;
        call.Outcome = "succeeded";
        call.LatencyMilliseconds = stopwatch.Elapsed.TotalMilliseconds;
        call.ProviderStatus = exchange.Status;
        call.AnswerHash = Hash(raw);
        call.CostEstimate = prepared.Provider.CostOf(call.InputTokens, call.OutputTokens);
        await SaveAsync(call);
        LogCall(logger, call.Id, call.Provider, call.Outcome, call.InputTokens, call.OutputTokens, call.LatencyMilliseconds, null);
        var citations = AssistantPrompts.Cited(raw, prepared.Sources).Select(s => new Citation(s.Key, s.Reference, s.Title, s.Date)).ToList();
        return (new Answer(call.Id, text, citations, call.Provider!, call.Model!, call.PhiPolicy.ToString().ToLowerInvariant(), call.InputTokens, call.OutputTokens,
            call.CostEstimate, call.LatencyMilliseconds), null);
    }

    private async Task<Problem> FailAsync(AssistantCall call, TimeSpan elapsed, int? providerStatus, bool timedOut, Exception? error, CancellationToken ct)
    {
        call.Outcome = "failed";
        call.LatencyMilliseconds = elapsed.TotalMilliseconds;
        call.ProviderStatus = providerStatus;
        var (status, title) = timedOut
            ? (StatusCodes.Status504GatewayTimeout, "The AI provider did not answer in time.")
            : providerStatus switch
            {
                429 => (StatusCodes.Status503ServiceUnavailable, "The AI provider is rate-limiting this deployment (429); try again later."),
                >= 500 => (StatusCodes.Status502BadGateway, $"The AI provider failed ({providerStatus})."),
                >= 400 => (StatusCodes.Status502BadGateway, $"The AI provider refused the call ({providerStatus})."),
                _ when error is null => (StatusCodes.Status502BadGateway, "The AI provider answered nothing."),
                _ => (StatusCodes.Status502BadGateway, "The AI provider's answer could not be read."),
            };
        call.Failure = error is null ? title : $"{title} ({error.GetType().Name})";
        call.CostEstimate = 0;
        await SaveAsync(call);
        // The exception's message and the provider's body may repeat the prompt: only its type and the status are logged.
        LogFailure(logger, call.Id, call.Provider, providerStatus, error?.GetType().Name, timedOut);
        return new Problem(status, title, $"Nothing was produced; the call is audited as {call.Id}.", call.Id);
    }

    private async Task<Problem> RefuseAsync(AssistantCall call, int status, string title, string detail, CancellationToken ct)
    {
        call.Failure = title;
        db.Set<AssistantCall>().Add(call);
        await db.SaveChangesAsync(ct);
        return new Problem(status, title, detail, call.Id);
    }

    /// <summary>Audited even when the caller went away in the middle.</summary>
    private async Task SaveAsync(AssistantCall call)
    {
        db.Set<AssistantCall>().Add(call);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private DateTimeOffset MonthStart()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public async Task<long> TokensUsedThisMonthAsync(CancellationToken ct)
    {
        var since = MonthStart();
        return await db.Set<AssistantCall>().Where(c => c.At >= since).SumAsync(c => c.InputTokens + c.OutputTokens, ct);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static readonly Action<ILogger, Guid, string?, string, long, long, double, Exception?> LogCall = LoggerMessage.Define<Guid, string?, string, long, long, double>(
        LogLevel.Information, new EventId(1, "AssistantCall"), "Assistant call {CallId} via {Provider}: {Outcome}, {InputTokens} tokens in, {OutputTokens} out, {LatencyMilliseconds} ms");

    private static readonly Action<ILogger, Guid, string?, int?, string?, bool, Exception?> LogFailureMessage = LoggerMessage.Define<Guid, string?, int?, string?, bool>(
        LogLevel.Warning, new EventId(2, "AssistantCallFailed"), "Assistant call {CallId} via {Provider} failed: status {ProviderStatus}, {ErrorType}, timed out {TimedOut}");

    private static readonly Action<ILogger, Guid, int?, Exception?> LogContentFailureMessage = LoggerMessage.Define<Guid, int?>(
        LogLevel.Warning, new EventId(3, "AssistantRecordUnreadable"), "Assistant call {CallId}: Content failed to give the record (status {Status})");

    private static void LogFailure(ILogger logger, Guid callId, string? provider, int? status, string? errorType, bool timedOut) =>
        LogFailureMessage(logger, callId, provider, status, errorType, timedOut, null);

    private static void LogContentFailure(ILogger logger, Guid callId, int? status) => LogContentFailureMessage(logger, callId, status, null);
}
